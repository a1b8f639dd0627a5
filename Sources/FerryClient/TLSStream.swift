@preconcurrency import COpenSSL
import FerryCore
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// How the session protects itself (RFC 4217).
public struct TLSConfiguration: Sendable, Equatable {
    /// When the session starts TLS, if at all.
    public enum Mode: String, Sendable, Equatable {
        /// No TLS.
        case off
        /// AUTH TLS after the greeting; a server that refuses it is an error (the password is never sent in clear).
        case required
        /// AUTH TLS when the server takes it; otherwise continue in clear text, and say so.
        case opportunistic
        /// TLS from the first byte (ftps://, port 990).
        case implicit
    }

    /// Whether and how the session uses TLS; `.off` by default.
    public var mode: Mode = .off
    /// Verify the server's certificate chain and name (off only with --insecure).
    public var verifyPeer = true
    /// A PEM file of certificates to trust besides the system's.
    public var caFile: String?
    /// SHA-256 fingerprints (hex) of certificates the user accepted for this host: trusted even when the chain is not.
    public var pinnedFingerprints: [String] = []
    /// PROT P (protect the data connections) — or PROT C on request.
    public var protectData = true
    /// Send CCC after login: the control connection goes back to clear text (for NAT helpers); data stays protected.
    public var clearCommandChannel = false
    /// Offer the control connection's session on data connections (off only to test the full-handshake check).
    public var resumeDataSessions = true
    /// Highest TLS version to offer (nil: the newest OpenSSL has); for testing 1.2 against 1.3.
    public var maximumVersion: Version?
    /// A TLS protocol version: `tls12` (1.2) or `tls13` (1.3).
    public enum Version: String, Sendable, Equatable {
        /// TLS 1.2.
        case tls12 = "1.2"
        /// TLS 1.3.
        case tls13 = "1.3"
    }

    /// Creates a configuration with every default: no TLS.
    public init() {}
}

/// What the client learned about the server's certificate.
public struct CertificateCheck: Sendable, Equatable {
    /// SHA-256 of the certificate (DER), lower-case hex.
    public var fingerprint: String
    /// nil when the chain and the name verified; otherwise why not.
    public var problem: String?
}

/// A TLS connection over one of our sockets, every wait bounded by poll().
final class TLSStream {
    let socket: Socket
    private let ssl: OpaquePointer

    init(socket: Socket, context: OpaquePointer) throws(FTPError) {
        guard let ssl = ferry_SSL_new(context) else { throw TLSStream.error("cannot create a TLS session") }
        self.socket = socket
        self.ssl = ssl
        ferry_SSL_set_fd(ssl, socket.descriptor)
        let flags = fcntl(socket.descriptor, F_GETFL)
        _ = fcntl(socket.descriptor, F_SETFL, flags | O_NONBLOCK)
    }

    deinit {
        // Freeing an SSL that never recorded a shutdown makes OpenSSL mark its session not resumable — and a data
        // connection's session is the control connection's, so the next data connection could not resume it
        // (TLS 1.2: vsftpd answers 522). The stream's end was judged already (reply code, SIZE, checksum).
        ferry_SSL_set_shutdown(ssl, ferry_SSL_get_shutdown(ssl) | SSL_SENT_SHUTDOWN)
        ferry_SSL_free(ssl)
    }

    /// Client handshake. `host` sets SNI and the name the certificate must match; `resume` reuses a session
    /// (the control connection's, as servers with require_ssl_reuse demand on data connections).
    func handshake(host: String?, resume: OpaquePointer?, timeout: Double) throws(FTPError) {
        if let host, !host.isEmpty {
            if SocketAddress(ip: host, port: 0) != nil {
                ferry_X509_VERIFY_PARAM_set1_ip_asc(ferry_SSL_get0_param(ssl), host)
            } else {
                _ = ferry_ssl_set_sni(ssl, host)
                ferry_SSL_set1_host(ssl, host)
            }
        }
        if let resume { ferry_SSL_set_session(ssl, resume) }
        try drive(timeout: timeout, what: "TLS handshake") { ferry_SSL_connect($0) }
    }

    /// The chain/name verdict (computed even when verification does not stop the handshake) and the fingerprint.
    var certificateCheck: CertificateCheck {
        var problem: String?
        let result = ferry_SSL_get_verify_result(ssl)
        if result != X509_V_OK { problem = String(cString: ferry_X509_verify_cert_error_string(result)) }
        guard let certificate = ferry_SSL_get1_peer_certificate(ssl) else {
            return CertificateCheck(fingerprint: "", problem: problem ?? "the server sent no certificate")
        }
        defer { ferry_X509_free(certificate) }
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        ferry_X509_digest(certificate, ferry_EVP_sha256(), &digest, &length)
        return CertificateCheck(fingerprint: digest.prefix(Int(length)).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(),
                                problem: problem)
    }

    var version: String { String(cString: ferry_SSL_get_version(ssl)) }

    /// The certificates the peer sent, leaf first: "subject (issued by issuer)" each.
    var peerChain: [String] {
        var buffer = [CChar](repeating: 0, count: 4096)
        _ = ferry_peer_chain(ssl, &buffer, buffer.count)
        let text = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        return text.split(separator: "\n").map(String.init)
    }

    /// The handshake resumed the offered session (so the peer proved it holds the control connection's keys).
    var sessionReused: Bool { ferry_SSL_session_reused(ssl) == 1 }

    /// A session to resume on data connections (+1 reference: free with SSL_SESSION_free).
    func copySession() -> OpaquePointer? { ferry_SSL_get1_session(ssl) }

    /// Reads at least one record (waiting up to `timeout`), then whatever else is already there, up to 256 KiB,
    /// so a file gets large writes rather than one per 16 KiB TLS record.
    func read(into buffer: UnsafeMutableRawBufferPointer, timeout: Double, what: String) throws(FTPError) -> Int {
        var total = try readOnce(into: buffer, timeout: timeout, what: what)
        guard total > 0 else { return 0 }
        let target = min(buffer.count, 256 * 1024)
        while total < target {
            var more = 0
            ferry_ERR_clear_error()
            if ferry_SSL_read_ex(ssl, buffer.baseAddress! + total, buffer.count - total, &more) != 1 { break }
            total += more
        }
        ferry_ERR_clear_error()
        return total
    }

    private func readOnce(into buffer: UnsafeMutableRawBufferPointer, timeout: Double, what: String) throws(FTPError) -> Int {
        var count = 0
        do throws(FTPError) {
            try drive(timeout: timeout, what: what) { ssl in
                var done = 0
                let result = ferry_SSL_read_ex(ssl, buffer.baseAddress, buffer.count, &done)
                count = done
                return result
            }
        } catch where error.code == .connectionClosed && error.message.hasSuffix("[eof]") {
            return 0
        }
        return count
    }

    func writeAll(_ bytes: UnsafeRawBufferPointer, timeout: Double, what: String) throws(FTPError) {
        var offset = 0
        while offset < bytes.count {
            var written = 0
            try drive(timeout: timeout, what: what) { ssl in
                ferry_SSL_write_ex(ssl, bytes.baseAddress! + offset, bytes.count - offset, &written)
            }
            offset += written
        }
    }

    /// Sends close_notify (so the server knows an upload ended on purpose) and waits briefly for the peer's.
    func shutdown(timeout: Double) {
        let deadline = MonotonicClock.now + timeout
        while MonotonicClock.now < deadline {
            let result = ferry_SSL_shutdown(ssl)
            if result == 1 { return }
            if result == 0 { continue }
            let code = ferry_SSL_get_error(ssl, result)
            let events = code == SSL_ERROR_WANT_WRITE ? Int16(POLLOUT) : Int16(POLLIN)
            guard code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE,
                  (try? socket.wait(for: events, timeout: max(0, deadline - MonotonicClock.now))) == true else { return }
        }
    }

    /// Runs an SSL call until it completes, waiting in poll() for what it wants, up to `timeout` seconds.
    private func drive(timeout: Double, what: String, _ call: (OpaquePointer) -> Int32) throws(FTPError) {
        let deadline = MonotonicClock.now + timeout
        while true {
            // TLS often has bytes buffered and never reaches poll(): a Ctrl-C must be seen here too.
            if Interruption.isRequested { throw FTPError(.interrupted, "interrupted") }
            ferry_ERR_clear_error()
            let result = call(ssl)
            if result > 0 { return }
            let code = ferry_SSL_get_error(ssl, result)
            switch code {
            case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
                let events = code == SSL_ERROR_WANT_READ ? Int16(POLLIN) : Int16(POLLOUT)
                guard try socket.wait(for: events, timeout: max(0, deadline - MonotonicClock.now)) else {
                    throw FTPError(.timedOut, "\(what) timed out: nothing from the server for \(format(timeout)) s")
                }
            case SSL_ERROR_ZERO_RETURN:
                throw FTPError(.connectionClosed, "\(what): the server closed TLS [eof]")
            case SSL_ERROR_SYSCALL where ferry_ERR_peek_error() == 0 && (errno == 0 || errno == EAGAIN):
                throw FTPError(.connectionClosed, "\(what): the server closed the connection [eof]")
            default:
                throw TLSStream.error("\(what) failed", verify: ferry_SSL_get_verify_result(ssl))
            }
        }
    }

    static func error(_ what: String, verify: Int = Int(X509_V_OK)) -> FTPError {
        var reasons: [String] = []
        while true {
            let code = ferry_ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ferry_ERR_error_string_n(code, &buffer, buffer.count)
            reasons.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        if verify != X509_V_OK { reasons.append(String(cString: ferry_X509_verify_cert_error_string(verify))) }
        return FTPError(.connectionFailed, "\(what): \(reasons.last ?? "unknown TLS error")")
    }
}

/// The SSL_CTX a session's connections share.
final class TLSContext {
    let context: OpaquePointer

    init(_ configuration: TLSConfiguration) throws(FTPError) {
        guard ferry_openssl_available() == 1 else {
            let reason = ferry_openssl_load_error().map { String(cString: $0) } ?? "not found"
            throw FTPError(.connectionFailed, "TLS needs OpenSSL 3 (\(reason))", advice: .installOpenSSL)
        }
        guard let context = ferry_SSL_CTX_new(ferry_TLS_client_method()) else { throw TLSStream.error("cannot set up TLS") }
        self.context = context
        _ = ferry_ssl_ctx_set_min_version(context, FERRY_TLS1_2_VERSION)
        if configuration.maximumVersion == .tls12 { _ = ferry_ssl_ctx_set_max_version(context, FERRY_TLS1_2_VERSION) }
        // No client session cache: with it, OpenSSL retires a TLS 1.3 session after one resumption, and the
        // second data connection would fail servers that require reuse (vsftpd: 522).
        _ = ferry_ssl_ctx_session_cache_off(context)
        _ = ferry_ssl_ctx_ignore_unexpected_eof(context)
        ferry_SSL_CTX_set_default_verify_paths(context)
        if let caFile = configuration.caFile, ferry_SSL_CTX_load_verify_locations(context, caFile, nil) != 1 {
            throw FTPError(.localFile, "cannot read the certificates in '\(caFile)'; give a PEM file")
        }
        // Verification is judged after the handshake (certificateCheck), so a pinned fingerprint can stand
        // in for a chain the system does not trust.
        ferry_SSL_CTX_set_verify(context, SSL_VERIFY_NONE, nil)
    }

    deinit { ferry_SSL_CTX_free(context) }
}
