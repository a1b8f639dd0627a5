import CFerrySys
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// A blocking TCP socket whose every wait is bounded: connect and accept through poll(),
/// reads and writes through poll() before each call.
public final class Socket {
    /// The file descriptor; -1 once the socket is closed.
    public private(set) var descriptor: Int32

    /// The crew this socket's thread works for: it may shut the socket down from another thread (`SessionCrew`).
    private let hangup: Hangup?

    init(descriptor: Int32) {
        self.descriptor = descriptor
        hangup = Hangup.current
        if descriptor >= 0 { hangup?.adopt(descriptor) }
        var on: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { close() }

    /// Whether the socket is still open.
    public var isOpen: Bool { descriptor >= 0 }

    /// Closes the socket; closing it again does nothing.
    public func close() {
        if descriptor >= 0 {
            if let hangup { hangup.close(descriptor) } else { _ = Glibc.close(descriptor) }
        }
        descriptor = -1
    }

    /// Connects to the first address of `host` that answers within `timeout` seconds each.
    static func connect(host: String, port: UInt16, family: AddressFamily, timeout: Double,
                        source: String? = nil) throws(FTPError) -> Socket {
        let addresses = try SocketAddress.resolve(host: host, port: port, family: family)
        var lastError = FTPError(.connectionFailed, "no address found for '\(host)'; check the name and the -4/-6 flags")
        for address in addresses {
            do throws(FTPError) { return try connect(to: address, timeout: timeout, source: source) } catch { lastError = error }
        }
        throw lastError
    }

    static func connect(to address: SocketAddress, timeout: Double, bufferSize: Int? = nil,
                        source: String? = nil) throws(FTPError) -> Socket {
        // Non-blocking for the connect alone (its wait is a poll with the timeout), blocking again after it.
        let fd = socket(address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { throw FTPError(.connectionFailed, "cannot create a socket: \(FTPError.systemMessage(errno))") }
        let sock = Socket(descriptor: fd)
        if let bufferSize { sock.setBufferSize(bufferSize) }
        if let source {
            guard let local = SocketAddress(ip: source, port: 0), local.family == address.family,
                  local.withSockAddr({ bind(fd, $0, $1) }) == 0 else {
                throw FTPError(.connectionFailed, "cannot connect from \(source) to \(address); give a local address of the same family")
            }
        }
        let result = address.withSockAddr { Glibc.connect(fd, $0, $1) }
        if result != 0 {
            guard errno == EINPROGRESS else {
                var failure = FTPError(.connectionFailed, "cannot connect to \(address): \(FTPError.systemMessage(errno))")
                failure.refusedConnection = errno == ECONNREFUSED
                throw failure
            }
            guard try sock.wait(for: Int16(POLLOUT), timeout: timeout) else {
                throw FTPError(.timedOut, "connection to \(address) timed out after \(format(timeout)) s; check the host and port or raise the connect timeout")
            }
            var error: Int32 = 0
            var size = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size)
            if error != 0 {
                var failure = FTPError(.connectionFailed, "cannot connect to \(address): \(FTPError.systemMessage(error))")
                failure.refusedConnection = error == ECONNREFUSED
                throw failure
            }
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        return sock
    }

    /// A listening socket on `address` (port 0: any free port).
    static func listen(on address: SocketAddress, bufferSize: Int? = nil) throws(FTPError) -> Socket {
        let fd = socket(address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw FTPError(.dataConnectionFailed, "cannot create a socket: \(FTPError.systemMessage(errno))") }
        let sock = Socket(descriptor: fd)
        if let bufferSize { sock.setBufferSize(bufferSize) }   // accepted sockets inherit it
        guard address.withSockAddr({ bind(fd, $0, $1) }) == 0, Glibc.listen(fd, 1) == 0 else {
            throw FTPError(.dataConnectionFailed, "cannot listen on \(address) for active mode: \(FTPError.systemMessage(errno)); try passive mode")
        }
        return sock
    }

    /// Accepts one connection within `timeout` seconds.
    func accept(timeout: Double) throws(FTPError) -> Socket {
        guard try wait(for: Int16(POLLIN), timeout: timeout) else {
            throw FTPError(.timedOut, "timed out after \(format(timeout)) s waiting for the server to connect back in active mode; a firewall may block it: try passive mode")
        }
        let fd = ferry_accept_cloexec(descriptor)
        guard fd >= 0 else { throw FTPError(.dataConnectionFailed, "accept failed: \(FTPError.systemMessage(errno))") }
        return Socket(descriptor: fd)
    }

    /// Asked once and kept: a connected or bound socket's addresses do not change (the data channel asks for
    /// the control connection's before every transfer).
    public var localAddress: SocketAddress? {
        guard isOpen else { return nil }
        if cachedLocal == nil { cachedLocal = address(getsockname) }
        return cachedLocal
    }
    /// The address of the other end, asked once and kept; nil when closed or unknown.
    public var peerAddress: SocketAddress? {
        guard isOpen else { return nil }
        if cachedPeer == nil { cachedPeer = address(getpeername) }
        return cachedPeer
    }
    /// The kernel's smoothed round-trip time of this TCP connection, in seconds; nil when it has none.
    var roundTripTime: Double? {
        var info = tcp_info()
        var size = socklen_t(MemoryLayout<tcp_info>.size)
        guard getsockopt(descriptor, Int32(IPPROTO_TCP), TCP_INFO, &info, &size) == 0, info.tcpi_rtt > 0 else { return nil }
        return Double(info.tcpi_rtt) / 1_000_000
    }

    private var cachedLocal: SocketAddress?
    private var cachedPeer: SocketAddress?

    private func address(_ call: (Int32, UnsafeMutablePointer<sockaddr>, UnsafeMutablePointer<socklen_t>) -> Int32) -> SocketAddress? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let ok = withUnsafeMutableBytes(of: &storage) { raw in
            call(descriptor, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), &length) == 0
        }
        return ok ? SocketAddress(storage: storage, length: length) : nil
    }

    /// Waits until the socket is ready for `events`; false on timeout. Retries after signals.
    func wait(for events: Int16, timeout: Double) throws(FTPError) -> Bool {
        let deadline = MonotonicClock.now + timeout
        while true {
            // A Ctrl-C that landed outside poll (in a write, a rate-limit sleep) is seen here.
            if Interruption.isRequested { throw FTPError(.interrupted, "interrupted") }
            var pfd = pollfd(fd: descriptor, events: events, revents: 0)
            let remaining = max(0, deadline - MonotonicClock.now)
            // In slices of a quarter second: worker threads block SIGINT, so their poll is never interrupted and
            // must look at the Ctrl-C count by itself.
            let slice = min(remaining, 0.25)
            let result = poll(&pfd, 1, Int32((slice * 1000).rounded(.up)))
            if result > 0 { return true }
            if result == 0 {
                if MonotonicClock.now < deadline { continue }
                return false
            }
            if errno != EINTR { throw FTPError(.connectionFailed, "poll failed: \(FTPError.systemMessage(errno))") }
            if Interruption.isRequested { throw FTPError(.interrupted, "interrupted") }
        }
    }

    /// Reads up to `buffer.count` bytes; 0 means the peer closed. Throws on timeout or error.
    func read(into buffer: UnsafeMutableRawBufferPointer, timeout: Double, what: String) throws(FTPError) -> Int {
        guard try wait(for: Int16(POLLIN), timeout: timeout) else {
            throw FTPError(.timedOut, "\(what) timed out: nothing received for \(format(timeout)) s; the server or network stalled")
        }
        while true {
            let count = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            if errno == EINTR || errno == EAGAIN { continue }
            throw FTPError(.connectionClosed, "\(what): \(FTPError.systemMessage(errno))")
        }
    }

    /// Writes every byte, waiting at most `timeout` seconds for the peer to take each part.
    func writeAll(_ bytes: UnsafeRawBufferPointer, timeout: Double, what: String) throws(FTPError) {
        var offset = 0
        // Sent at once while there is room (a command, the first part of a piece); once the socket took only
        // part, or nothing, the rest waits in poll for room.
        var full = false
        while offset < bytes.count {
            if full {
                guard try wait(for: Int16(POLLOUT), timeout: timeout) else {
                    throw FTPError(.timedOut, "\(what) timed out: the peer took nothing for \(format(timeout)) s; the server or network stalled")
                }
            } else if Interruption.isRequested {
                throw FTPError(.interrupted, "interrupted")
            }
            let count = send(descriptor, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT))
            if count < 0 {
                if errno == EAGAIN || errno == EWOULDBLOCK { full = true; continue }
                if errno == EINTR { continue }
                throw FTPError(.connectionClosed, "\(what): \(FTPError.systemMessage(errno))")
            }
            offset += count
            full = offset < bytes.count
        }
    }

    /// Bytes sent as TCP urgent data (the Telnet Synch of RFC 959 §4.1.3).
    func sendUrgent(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_OOB) | Int32(MSG_NOSIGNAL)) }
    }

    func shutdownWrite() { _ = shutdown(descriptor, Int32(SHUT_WR)) }

    /// Closes with a reset (SO_LINGER 0): a sender on the other side fails at once instead of filling buffers.
    func resetAndClose() {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        close()
    }

    /// SO_RCVBUF and SO_SNDBUF; set before connect or listen so the window scale follows.
    func setBufferSize(_ size: Int) {
        var value = Int32(clamping: size)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &value, socklen_t(MemoryLayout<Int32>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_SNDBUF, &value, socklen_t(MemoryLayout<Int32>.size))
    }

    func enableKeepAlive() {
        var on: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_KEEPALIVE, &on, socklen_t(MemoryLayout<Int32>.size))
    }
}

func format(_ seconds: Double) -> String {
    seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
}
