/// A connection's bytes: straight on the socket, or through TLS. The data pump and the control
/// connection read and write through this; only the plain case can splice.
enum ByteStream {
    case plain(Socket)
    case tls(TLSStream)

    var socket: Socket {
        switch self {
        case .plain(let socket): return socket
        case .tls(let stream): return stream.socket
        }
    }

    var isProtected: Bool { if case .tls = self { return true } else { return false } }

    func read(into buffer: UnsafeMutableRawBufferPointer, timeout: Double, what: String) throws(FTPError) -> Int {
        switch self {
        case .plain(let socket): return try socket.read(into: buffer, timeout: timeout, what: what)
        case .tls(let stream): return try stream.read(into: buffer, timeout: timeout, what: what)
        }
    }

    func writeAll(_ bytes: UnsafeRawBufferPointer, timeout: Double, what: String) throws(FTPError) {
        switch self {
        case .plain(let socket): try socket.writeAll(bytes, timeout: timeout, what: what)
        case .tls(let stream): try stream.writeAll(bytes, timeout: timeout, what: what)
        }
    }

    /// Ends the stream on purpose: close_notify for TLS, then FIN.
    func finish() {
        if case .tls(let stream) = self { stream.shutdown(timeout: 5) }
        socket.shutdownWrite()
    }
}
