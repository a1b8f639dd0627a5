import FerryCore

/// What `--diagnose` found: each stage of a session, and each data-connection method tried by itself.
/// FerryClient finds; the shell words the verdict and the advice in its own flags and settings.
public struct ConnectionDiagnosis: Sendable {
    /// One stage of the session (connect, greeting, login, features) and how it went.
    public struct Stage: Sendable {
        /// The stage: "connect", "greeting", "login", "features" or "reconnect".
        public var name: String
        /// Whether the stage succeeded.
        public var ok: Bool
        /// Seconds the stage took; nil when it is not timed (features).
        public var seconds: Double?
        /// What happened, in words: the address, the server's reply, or the error.
        public var detail: String
    }

    /// One method's probe: a tiny listing through it.
    public struct ModeResult: Sendable {
        /// The data-connection method probed.
        public var step: DataChannelPlan.Step
        /// Whether the probe's listing came through.
        public var works: Bool
        /// Seconds the probe took (0 when it was not tried).
        public var seconds: Double
        /// What happened, in words: the cause and the fix when it failed.
        public var reason: String
        /// PASV: the address and port the 227 reply named. PORT/EPRT: the address Ferry named.
        public var advertised: String?
        /// PASV worked only at the address the 227 reply named, not at the server's own.
        public var viaOfferedAddress = false
        /// The failures, as the plan recorded them (for the advice).
        public var failures: [DataChannelPlan.Failure] = []
    }

    /// What the control connection's TLS handshake showed.
    public struct TLSFacts: Sendable {
        /// The TLS version agreed on, as OpenSSL names it ("TLSv1.3").
        public var version: String?
        /// The SHA-256 fingerprint of the server's certificate, upper-case hex pairs joined by colons.
        public var fingerprint: String?
        /// The certificates the server sent, leaf first.
        public var chain: [String] = []
        /// nil when the chain and the name verified.
        public var certificateProblem: String?
        /// Whether the data connections are protected (PROT P).
        public var dataProtected = false
        /// Whether the data connections resumed the control connection's TLS session (nil: none was made).
        public var dataSessionReused: Bool?
    }

    /// The host as given.
    public var host: String
    /// The control connection's port.
    public var port: UInt16
    /// The address reached, and the family; the local address the connection came from.
    public var address: String?
    /// "IPv4" or "IPv6": the family of the address reached.
    public var family: String?
    /// The local address the control connection came from.
    public var localAddress: String?
    /// The session's stages in order, up to the first that failed.
    public var stages: [Stage] = []
    /// Whether FEAT lists AUTH TLS (nil: FEAT not answered).
    public var tlsOffered: Bool?
    /// With TLS in use: the handshake's facts.
    public var tls: TLSFacts?
    /// Each data-connection method's probe, in the order tried (EPSV, PASV, EPRT, PORT).
    public var modes: [ModeResult] = []
    /// The control connection went through (connect, greeting and login).
    public var loggedIn: Bool { stages.contains { $0.name == "login" && $0.ok } }

    /// Creates an empty diagnosis of `host` on `port`.
    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    /// The probe of `step`; nil when it was not probed.
    public func mode(_ step: DataChannelPlan.Step) -> ModeResult? { modes.first { $0.step == step } }
}

/// Runs a diagnosis: logs in once, then probes EPSV, PASV, EPRT and PORT one at a time, each bounded by `probeWait`
/// seconds of silence; logs in again when a probe left the control connection unusable.
public struct ConnectionDiagnoser {
    /// The host to diagnose.
    public var host: String
    /// The control connection's port.
    public var port: UInt16
    /// The user to log in as.
    public var user: String
    /// The password, or nil when the server asks for none.
    public var password: String?
    /// The settings to diagnose with; the diagnosis shortens their waits.
    public var configuration: ClientConfiguration
    /// Seconds of silence after which a probe is given up.
    public var probeWait: Double
    /// Called for every command sent, reply received and notice of the diagnosis's session.
    public var onEvent: (ClientEvent) -> Void
    /// Called as each stage or probe ends (a terminal shows the diagnosis as it goes).
    public var onProgress: (String) -> Void = { _ in }

    /// Creates a diagnoser; nothing is sent until `run()`.
    public init(host: String, port: UInt16, user: String, password: String?, configuration: ClientConfiguration,
                probeWait: Double, onEvent: @escaping (ClientEvent) -> Void) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.configuration = configuration
        self.probeWait = probeWait
        self.onEvent = onEvent
    }

    /// Connects, logs in and probes each data-connection method; returns what it found, also when a stage fails.
    public func run() -> ConnectionDiagnosis {
        var diagnosis = ConnectionDiagnosis(host: host, port: port)
        var config = configuration
        // Every wait of the diagnosis is short: a path where everything is blocked ends within half a minute.
        config.connectTimeout = min(config.connectTimeout, max(probeWait, 5) * 2)
        config.replyTimeout = min(config.replyTimeout, max(probeWait, 5) * 2)
        config.dataConnectTimeout = probeWait + 5   // the connect-back wait (a silent port: probeWait)
        config.firewallWait = probeWait
        config.stallTimeout = min(config.stallTimeout, max(probeWait, 5))
        let client = FTPClient(configuration: config, onEvent: onEvent)
        defer { client.quit(briefly: true) }
        // The whole diagnosis has a deadline too: a server slow at every step cannot stretch it without end.
        let deadline = MonotonicClock.now + max(30, 8 * probeWait)
        guard logIn(client, &diagnosis, first: true) else { return diagnosis }
        for step in DataChannelPlan.Step.allCases {
            guard MonotonicClock.now < deadline else {
                diagnosis.modes.append(.init(step: step, works: false, seconds: 0,
                                             reason: "not tried: the diagnosis ran out of time (the server answers slowly)"))
                continue
            }
            if !client.isConnected || !client.isLoggedIn {
                guard logIn(client, &diagnosis, first: false) else { break }
            }
            let result = probe(step, client)
            diagnosis.modes.append(result)
            onProgress("\(step.rawValue): \(result.works ? "works" : "fails")")
        }
        if diagnosis.tls != nil {
            diagnosis.tls?.dataSessionReused = client.lastDataSessionReused
        }
        return diagnosis
    }

    private func logIn(_ client: FTPClient, _ diagnosis: inout ConnectionDiagnosis, first: Bool) -> Bool {
        let started = MonotonicClock.now
        do throws(FTPError) {
            let greeting = try client.connect(host: host, port: port)
            guard first else {
                try client.login(user: user, password: password)
                return true
            }
            let peer = client.peerAddress
            diagnosis.address = peer?.ip
            diagnosis.family = peer.map { $0.isIPv6 ? "IPv6" : "IPv4" }
            diagnosis.localAddress = client.control?.socket.localAddress?.ip
            let connectTime = client.connectSeconds ?? (MonotonicClock.now - started)
            diagnosis.stages.append(.init(name: "connect", ok: true, seconds: connectTime,
                                          detail: "\(peer?.ip ?? host) port \(port) (\(diagnosis.family ?? "?")), from \(diagnosis.localAddress ?? "?")"))
            diagnosis.stages.append(.init(name: "greeting", ok: true, seconds: MonotonicClock.now - started - connectTime,
                                          detail: "\(greeting.code.rawValue) \(greeting.firstLineText)"))
            if client.isProtected { diagnosis.tls = tlsFacts(client) }
            onProgress("connected")
            let loginStart = MonotonicClock.now
            let reply = try client.login(user: user, password: password)
            diagnosis.stages.append(.init(name: "login", ok: true, seconds: MonotonicClock.now - loginStart,
                                          detail: "as \(user): \(reply.code.rawValue) \(reply.firstLineText)"))
            let features = client.features
            // vsftpd lists PBSZ and PROT but not AUTH when it takes AUTH TLS.
            let offersTLS = (features.parameters(of: "AUTH")?.uppercased().contains("TLS") ?? false)
                || (features.supports("PBSZ") && features.supports("PROT"))
            diagnosis.tlsOffered = client.isProtected ? true : features.names.isEmpty ? nil : offersTLS
            diagnosis.stages.append(.init(name: "features", ok: !features.names.isEmpty, seconds: nil,
                                          detail: features.names.isEmpty ? "FEAT not answered" : features.names.joined(separator: " ")))
            if diagnosis.tls != nil { diagnosis.tls?.dataProtected = client.dataProtected }
            return true
        } catch {
            let stage = diagnosis.stages.isEmpty ? "connect" : first ? "login" : "reconnect"
            diagnosis.stages.append(.init(name: stage, ok: false, seconds: MonotonicClock.now - started, detail: error.message))
            return false
        }
    }

    private func tlsFacts(_ client: FTPClient) -> ConnectionDiagnosis.TLSFacts {
        var facts = ConnectionDiagnosis.TLSFacts()
        facts.version = client.tlsVersion
        facts.fingerprint = client.certificate.map { FTPClient.colonHex($0.fingerprint) }
        facts.certificateProblem = client.certificate?.problem
        facts.chain = client.certificateChain
        return facts
    }

    /// A tiny listing (NLST, at most 64 KiB read) through `step` alone.
    private func probe(_ step: DataChannelPlan.Step, _ client: FTPClient) -> ConnectionDiagnosis.ModeResult {
        client.probedStep = step
        defer { client.probedStep = nil }
        let started = MonotonicClock.now
        var result = ConnectionDiagnosis.ModeResult(step: step, works: false, seconds: 0, reason: "")
        do throws(FTPError) {
            let port = try client.probeListing(within: 2 * probeWait + 5)
            result.seconds = MonotonicClock.now - started
            result.works = true
            let plan = client.lastNegotiation
            result.viaOfferedAddress = plan?.working?.viaOfferedAddress ?? false
            result.reason = DataChannelTrouble.success(step: step, plan: plan, controlPeer: client.peerAddress?.ip ?? host,
                                                        dataPort: port, naming: client.configuration.settingNames)
        } catch {
            result.seconds = MonotonicClock.now - started
            let attempts = client.lastNegotiation?.attempts ?? []
            result.failures = attempts.map(\.failure)
            result.reason = attempts.isEmpty ? error.message : attempts.map { DataChannelTrouble.explain($0, naming: client.configuration.settingNames) }.joined(separator: "; then ")
        }
        if let plan = client.lastNegotiation {
            result.advertised = step.isPassive ? (step == .passive ? plan.offered?.description : nil) : plan.lastAdvertised
        }
        return result
    }
}
