import FerryCore

/// One FTP session on one control connection, in English verbs. Synchronous and blocking: give each
/// concurrent session its own client (and thread).
public final class FTPClient {
    /// The session's settings; a change to the data-channel settings forgets what the session learned of them.
    public var configuration: ClientConfiguration {
        didSet {
            control?.replyTimeout = configuration.replyTimeout
            // What worked or failed was learned under the old data-channel settings: changed ones start afresh.
            if !oldValue.sameDataChannel(as: configuration) { dataChannelMemory = DataChannelMemory() }
        }
    }
    /// Called for every command sent, reply received, notice and progress step.
    public var onEvent: (ClientEvent) -> Void

    var control: ControlConnection?
    /// The server's greeting on the current connection; nil when not connected.
    public private(set) var greeting: Reply?
    /// What FEAT listed after login (empty before, or when the server does not answer FEAT).
    public private(set) var features = Features()
    /// Whether the session is logged in.
    public private(set) var isLoggedIn = false
    /// The host as given to `connect`.
    public private(set) var host: String?
    /// The user of the last successful login.
    public private(set) var loggedInUser: String?
    /// The TYPE last confirmed by the server.
    var wireType: TransferType?
    /// What data-channel negotiations learned of this server: kept across reconnections to it.
    var dataChannelMemory = DataChannelMemory()
    /// What data-channel negotiations learned of a server: methods it refused or that failed, and the one that worked.
    public struct DataChannelMemory: Sendable {
        /// Steps this server refused (5yz), and steps whose connections did not get through: skipped.
        var refused: Set<DataChannelPlan.Step> = []
        var unreachable: Set<DataChannelPlan.Step> = []
        /// The step that made the last data connection: tried first.
        var working: DataChannelPlan.Working?
    }
    /// A diagnosis probes this step alone (nothing learned is used or kept).
    var probedStep: DataChannelPlan.Step?
    /// The last data-channel negotiation: what was tried, what failed and why, what worked.
    public internal(set) var lastNegotiation: DataChannelPlan?
    /// Whether the last protected data connection resumed the control connection's TLS session.
    public internal(set) var lastDataSessionReused: Bool?
    /// The certificates the server sent on the control connection, leaf first ("subject (issued by issuer)").
    public internal(set) var certificateChain: [String] = []
    /// Seconds the control connection took to open (the TCP handshake, before the greeting).
    public internal(set) var connectSeconds: Double?
    /// The control connection was closed because the server was still trying to connect back in active mode.
    public internal(set) var abandonedDuringConnectBack = false
    var noticesGiven: Set<String> = []
    /// Asked when a server certificate neither verifies nor is pinned (the shell asks the user and remembers).
    public var certificateDecision: ((String, CertificateCheck) -> CertificateDecision)?
    var tlsContext: TLSContext?
    /// The control connection's TLS session, resumed by every data connection (+1 reference).
    var controlSession: OpaquePointer?
    var tlsVersion: String?
    /// PROT P is in force.
    public internal(set) var dataProtected = false
    /// The server's certificate as last checked.
    public internal(set) var certificate: CertificateCheck?
    /// Parsed listings by directory, for this session (see `entries(in:)`).
    var listingCache: [String: [ListingEntry]] = [:]
    /// Whether `MDTM YYYYMMDDHHMMSS path` sets a time on this server (vsftpd): nil until tried.
    var timeSettingByMDTM: Bool?
    /// Bumped by every change of working directory, so cached relative listings are not reused elsewhere.
    public internal(set) var directoryGeneration = 0
    /// The session's folder as PWD said it, at a directory generation (see `absolutePath(of:)`).
    var knownDirectory: (generation: Int, path: String)?
    /// When set, listings end by then (TAB completion's time bound).
    var listingDeadline: Double?
    /// The last upload the server opened (its 1yz came): which name, from which byte, how many bytes were sent.
    /// What the server's copy of that name can hold of this client's bytes, for a retry to resume onto.
    var lastOpenedStore: (remote: String, from: Int64, sent: Int64)?
    /// The connection was closed by this client after a data stall whose final reply did not come: the server was
    /// reachable a moment ago, so a retry need not back off.
    var closedAfterDataStall = false
    /// This server refused an upload's temporary name or its rename: uploads go under the real name.
    public internal(set) var temporaryUploadsRefused = false
    var connectedPort: UInt16?

    /// Creates a client that is not connected yet.
    public init(configuration: ClientConfiguration = ClientConfiguration(), onEvent: @escaping (ClientEvent) -> Void = { _ in }) {
        self.configuration = configuration
        self.onEvent = onEvent
    }

    deinit { replaceControlSession(nil) }

    /// Whether the control connection is open.
    public var isConnected: Bool { control?.socket.isOpen ?? false }
    /// The control connection was closed because a reply did not come in time: a caller that knows how to log
    /// in again should reconnect before the next command.
    public var droppedAfterTimeout: Bool {
        timedOutEarlier || (control.map { ($0.timedOut || $0.interruptedOwingReply) && !$0.socket.isOpen } ?? false)
    }
    /// The connection was closed because Ctrl-C came while a reply was owed.
    public var droppedAfterInterrupt: Bool { control.map { $0.interruptedOwingReply && !$0.socket.isOpen } ?? interruptedEarlier }
    var interruptedEarlier = false
    var timedOutEarlier = false
    /// The control connection runs over TLS.
    public var isProtected: Bool { control?.stream.isProtected ?? false }
    /// The server's address on the control connection; nil when not connected.
    public var peerAddress: SocketAddress? { control?.socket.peerAddress }
    /// `user@host:port`: whose files this session sees, as a partial download's origin record names them.
    var originServer: String { "\(loggedInUser ?? "-")@\(host ?? "-"):\(connectedPort ?? 0)" }

    // MARK: connection

    /// Opens the control connection and reads the greeting (120 "ready in a while" is waited out).
    @discardableResult
    public func connect(host: String, port: UInt16 = 21) throws(FTPError) -> Reply {
        close()
        // A new connection starts in the login folder: nothing known of the old one's folder holds.
        directoryGeneration += 1
        closedAfterDataStall = false
        abandonedDuringConnectBack = false
        // What this server refused holds across reconnections to it, not for another server.
        if host != self.host || port != connectedPort {
            temporaryUploadsRefused = false
            dataChannelMemory = DataChannelMemory()
        }
        connectedPort = port
        let started = MonotonicClock.now
        let socket = try Socket.connect(host: host, port: port, family: configuration.addressFamily,
                                        timeout: configuration.connectTimeout, source: configuration.sourceAddress)
        connectSeconds = MonotonicClock.now - started
        socket.enableKeepAlive()
        let connection = ControlConnection(socket: socket, replyTimeout: configuration.replyTimeout) { [weak self] in
            self?.onEvent($0)
        }
        control = connection
        self.host = host
        do throws(FTPError) {
            if configuration.tls.mode == .implicit { try startControlTLS(connection, host: host) }
            // The greeting is a reply like any other: -q / reply-timeout bound it.
            let reply = try connection.readFinalReply()
            guard reply.code.isSuccess else {
                throw FTPError(.connectionFailed, "the server refused the session: \(reply.summary)", reply: reply)
            }
            greeting = reply
            try negotiateExplicitTLS(connection, host: host)
            return reply
        } catch {
            // Whatever went wrong here — above all a TLS handshake that failed — nothing more may be sent on this
            // connection: a password must never follow in clear text.
            close()
            throw error
        }
    }

    /// USER, then PASS and ACCT as the server asks. `password` is asked for only when the server wants one.
    @discardableResult
    public func login(user: String, password: () -> String?, account: String? = nil) throws(FTPError) -> Reply {
        let connection = try connected()
        var sequence = LoginSequence(user: user, password: nil, account: account)
        var action = sequence.start()
        var askedPassword = false
        while true {
            switch action {
            case .send(let command):
                action = sequence.receive(try connection.execute(command))
            case .loggedIn(let reply):
                isLoggedIn = true
                loggedInUser = user
                wireType = nil
                try protectDataChannel(connection)
                afterLogin()
                return reply
            case .needs(.pass, _) where !askedPassword:
                askedPassword = true
                guard let secret = password() else {
                    throw FTPError(.loginFailed, "login as '\(user)' needs a password; give it after the user name")
                }
                action = sequence.supplyPassword(secret)
            case .needs(let verb, let reply):
                let what = verb == .acct ? "an account (ACCT)" : "a password"
                throw FTPError(.loginFailed, "login as '\(user)' needs \(what): \(reply.summary)", reply: reply)
            case .failed(let reply):
                throw FTPError(.loginFailed, "login as '\(user)' failed: \(reply.clause); check the user name and password", reply: reply)
            }
        }
    }

    /// USER, then PASS and ACCT as the server asks, with `password` given up front.
    @discardableResult
    public func login(user: String, password: String?, account: String? = nil) throws(FTPError) -> Reply {
        try login(user: user, password: { password }, account: account)
    }

    private func afterLogin() {
        guard let connection = control else { return }
        if let reply = try? connection.execute(Command(.feat)) {
            features = Features(reply: reply)
        }
        if features.supports("UTF8") {
            _ = try? connection.execute(Command(.opts, "UTF8 ON"))
        }
        // MLSD facts: the server's own choice (starred), plus unix.mode when it is offered but off (pyftpdlib).
        if let facts = features.parameters(of: "MLST"), let wanted = FTPClient.factsWithMode(facts) {
            _ = try? connection.execute(Command(.opts, "MLST " + wanted))
        }
    }

    /// "type*;size*;modify*;perm*;unix.mode;" → "type;size;modify;perm;unix.mode;"; nil when unix.mode is already on
    /// or not offered.
    static func factsWithMode(_ offered: String) -> String? {
        let facts = offered.split(separator: ";").map { String($0.filter { $0 != " " }) }.filter { !$0.isEmpty }
        guard let mode = facts.first(where: { $0.lowercased().hasPrefix("unix.mode") }), !mode.hasSuffix("*") else { return nil }
        let enabled = facts.filter { $0.hasSuffix("*") }.map { String($0.dropLast()) }
        guard !enabled.isEmpty else { return nil }
        return (enabled + [mode]).joined(separator: ";") + ";"
    }

    /// QUIT, politely; then close whatever is left. The goodbye is waited for (up to 5 s), so that a server that
    /// allows one session per address has ended this one before the next connects. `briefly`: nothing follows (the
    /// process ends), and the goodbye is waited for only as long as a server that answers at once needs (four round
    /// trips, at least 50 ms): a server still busy with the last upload answered late (vsftpd, 0.2-0.5 s after a
    /// 1 GiB put, writing the file out on close).
    public func quit(briefly: Bool = false) {
        if let connection = control, connection.socket.isOpen {
            _ = try? connection.send(Command(.quit))
            let wait = briefly ? max(0.05, 4 * (connection.socket.roundTripTime ?? 1)) : 5
            _ = try? connection.readFinalReply(timeout: min(wait, configuration.replyTimeout, 5))
        }
        close()
    }

    /// Drops the connection without a word to the server.
    public func close() {
        timedOutEarlier = false
        interruptedEarlier = false
        control?.socket.close()
        control = nil
        isLoggedIn = false
        greeting = nil
        features = Features()
        wireType = nil
        noticesGiven = []
        listingCache = [:]
        replaceControlSession(nil)
        tlsContext = nil
        tlsVersion = nil
        certificateChain = []
        dataProtected = false
    }

    /// Forgets what the data-channel negotiations learned (an explicit `open`: the user may have changed the path).
    public func forgetDataChannelKnowledge() { dataChannelMemory = DataChannelMemory() }

    /// Closes the control connection whose next reply would answer a command already given up on; the shell
    /// reconnects before the next command (as after a reply timeout). What the session learned is kept.
    func abandonControlConnection() {
        control?.socket.close()
        timedOutEarlier = true
        abandonedDuringConnectBack = true
    }

    func connected() throws(FTPError) -> ControlConnection {
        guard let connection = control, connection.socket.isOpen else {
            if control?.timedOut == true { timedOutEarlier = true }
            if control?.interruptedOwingReply == true {
                timedOutEarlier = true
                interruptedEarlier = true
            }
            control = nil
            isLoggedIn = false
            throw FTPError(.notConnected, "Not connected", advice: .reconnect)
        }
        return connection
    }

    func notice(_ text: String) {
        if noticesGiven.insert(text).inserted { onEvent(.notice(text)) }
    }
}
