@preconcurrency import COpenSSL
import FerryCore

/// FTPS (RFC 4217): AUTH TLS or implicit TLS on the control connection, PBSZ 0 / PROT P after login, and
/// data connections that resume the control connection's TLS session.
extension FTPClient {
    /// What to do with a certificate that did not verify and is not pinned: accept it (the shell may ask and
    /// remember), or refuse with a reason.
    public enum CertificateDecision: Sendable, Equatable {
        /// Trust the certificate for this connection.
        case accept
        /// Refuse the certificate: the connection is closed and the reason, when not empty, is part of the error.
        case refuse(String)
    }

    /// TLS on the control connection: explicit after AUTH TLS, or implicit right after connecting.
    func startControlTLS(_ connection: ControlConnection, host: String) throws(FTPError) {
        let context = try TLSContext(configuration.tls)
        let stream = try TLSStream(socket: connection.socket, context: context.context)
        try stream.handshake(host: host, resume: nil, timeout: min(configuration.connectTimeout, configuration.replyTimeout))
        certificateChain = stream.peerChain
        try judge(stream.certificateCheck, host: host)
        tlsContext = context
        connection.stream = .tls(stream)
        tlsVersion = stream.version
    }

    /// After the greeting: AUTH TLS as the mode asks.
    func negotiateExplicitTLS(_ connection: ControlConnection, host: String) throws(FTPError) {
        let mode = configuration.tls.mode
        guard mode == .required || mode == .opportunistic else { return }
        let reply = try connection.execute(Command(Verb("AUTH"), "TLS"))
        guard reply.code == ReplyCode(234) else {
            if mode == .required {
                close()
                throw FTPError(.connectionFailed, "the server refused TLS (\(reply.clause)); TLS is required, so nothing more was sent", reply: reply, advice: .withoutTLS)
            }
            notice("the server refused TLS (\(reply.summary)): this session, password included, is in CLEAR TEXT")
            return
        }
        try startControlTLS(connection, host: host)
    }

    /// After login on a protected session: PBSZ 0, PROT P (or C), and the session to resume on data connections.
    func protectDataChannel(_ connection: ControlConnection) throws(FTPError) {
        guard case .tls(let stream) = connection.stream else { return }
        _ = try connection.execute(Command(Verb("PBSZ"), "0"))
        let level = configuration.tls.protectData ? "P" : "C"
        let reply = try connection.execute(Command(Verb("PROT"), level))
        guard reply.code.isSuccess else {
            throw FTPError(.commandFailed, "the server refused PROT \(level): \(reply.summary)", reply: reply)
        }
        dataProtected = configuration.tls.protectData
        replaceControlSession(stream.copySession())
        if configuration.tls.clearCommandChannel {
            let ccc = try connection.execute(Command(Verb("CCC")))
            guard ccc.code.isSuccess else {
                throw FTPError(.commandFailed, "the server refused CCC: \(ccc.summary)", reply: ccc)
            }
            stream.shutdown(timeout: 5)
            connection.stream = .plain(stream.socket)
            notice("CCC: the control connection is in clear text from here on; data stays protected")
        }
    }

    /// PROT P or C from now on (the shell's `prot`).
    public func setDataProtection(_ protect: Bool) throws(FTPError) {
        guard isProtected || dataProtected else {
            throw FTPError(.invalidArgument, "the session is not protected by TLS", advice: .withTLS)
        }
        try require(Command(Verb("PROT"), protect ? "P" : "C"), "the server refused PROT \(protect ? "P" : "C")")
        dataProtected = protect
        configuration.tls.protectData = protect
    }

    /// CCC (RFC 4217 §6): the control connection goes back to clear text; data protection stays as it is.
    public func clearCommandChannel() throws(FTPError) {
        let connection = try connected()
        guard case .tls(let stream) = connection.stream else {
            throw FTPError(.invalidArgument, "the control connection is not protected; there is nothing to clear")
        }
        try require(Command(Verb("CCC")), "the server refused CCC")
        stream.shutdown(timeout: 5)
        connection.stream = .plain(stream.socket)
    }

    /// The data connection's bytes: TLS resuming the control session when PROT P is in force.
    func dataStream(_ socket: Socket) throws(FTPError) -> ByteStream {
        guard dataProtected, let context = tlsContext else { return .plain(socket) }
        let stream = try TLSStream(socket: socket, context: context.context)
        try stream.handshake(host: nil, resume: configuration.tls.resumeDataSessions ? controlSession : nil,
                             timeout: configuration.dataConnectTimeout)
        lastDataSessionReused = stream.sessionReused
        // A resumed session proves the peer is the one the control connection verified. A full handshake proves
        // nothing by itself: its certificate must be the very one the control connection accepted.
        if !stream.sessionReused {
            let check = stream.certificateCheck
            guard let accepted = certificate?.fingerprint, !accepted.isEmpty, check.fingerprint == accepted else {
                throw FTPError(.connectionFailed, "the data connection did not resume the TLS session and presented a different certificate (SHA-256 \(FTPClient.colonHex(check.fingerprint))) than the control connection; refusing it")
            }
        }
        return .tls(stream)
    }

    /// Verified chain and name, or a pinned fingerprint, or the owner's decision, or --insecure.
    private func judge(_ check: CertificateCheck, host: String) throws(FTPError) {
        certificate = check
        guard let problem = check.problem else { return }
        if configuration.tls.pinnedFingerprints.contains(check.fingerprint) { return }
        if !configuration.tls.verifyPeer {
            notice("WARNING: the certificate of \(host) is not verified (\(problem)); certificate checks are off")
            return
        }
        switch certificateDecision?(host, check) ?? .refuse("") {
        case .accept:
            return
        case .refuse(let reason):
            close()
            let why = reason.isEmpty ? "" : "\(reason); "
            throw FTPError(.connectionFailed, "the certificate of \(host) is not trusted (\(problem)); \(why)SHA-256 fingerprint \(FTPClient.colonHex(check.fingerprint))", advice: .trustCertificate)
        }
    }

    func replaceControlSession(_ session: OpaquePointer?) {
        if let old = controlSession { ferry_SSL_SESSION_free(old) }
        controlSession = session
    }

    /// "ab12…" → "AB:12:…", as certificate tools show fingerprints.
    public static func colonHex(_ hex: String) -> String {
        var pairs: [String] = []
        var current = ""
        for character in hex.uppercased() {
            current.append(character)
            if current.count == 2 { pairs.append(current); current = "" }
        }
        return pairs.joined(separator: ":")
    }

    /// A one-line account of the session's protection, for `status`.
    public var protectionSummary: String {
        guard let control = control else { return "not connected" }
        switch control.stream {
        case .plain:
            return tlsVersion == nil ? "none (clear text)" : "control in clear text after CCC; data \(dataProtected ? "protected" : "clear")"
        case .tls:
            let verified = certificate?.problem == nil ? "certificate verified" : "certificate trusted by fingerprint, or checks off"
            return "\(tlsVersion ?? "TLS") on control; data \(dataProtected ? "protected (PROT P)" : "in clear text (PROT C)"); \(verified)"
        }
    }
}
