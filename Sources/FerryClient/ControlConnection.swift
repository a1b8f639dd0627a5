import FerryCore
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// The control connection: commands out, replies in, every wait bounded by the reply timeout.
final class ControlConnection {
    /// The bytes of the session: plain, or TLS after AUTH TLS (and plain again after CCC).
    var stream: ByteStream
    var socket: Socket { stream.socket }
    private var parser = ReplyParser()
    private let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 16)
    var replyTimeout: Double
    let events: (ClientEvent) -> Void

    init(socket: Socket, replyTimeout: Double, events: @escaping (ClientEvent) -> Void) {
        self.stream = .plain(socket)
        self.replyTimeout = replyTimeout
        self.events = events
    }

    deinit { readBuffer.deallocate() }

    func send(_ command: Command) throws(FTPError) {
        let bytes: [UInt8]
        do { bytes = try command.encoded() } catch {
            throw FTPError(.invalidArgument, "\(command.verb): the argument holds a line break, which FTP cannot carry; rename or quote it differently")
        }
        events(.sent(command.traceDescription))
        do throws(FTPError) {
            try withBytes(bytes) { (raw) throws(FTPError) in
                try stream.writeAll(raw, timeout: replyTimeout, what: "sending \(command.verb)")
            }
        } catch where error.code == .connectionClosed {
            socket.close()
            throw FTPError(.connectionClosed, "the server closed the connection (\(error.message))", advice: .reconnect)
        }
    }

    /// The reply timeout ran out: replies can no longer be paired with commands, so the connection is closed
    /// and the next command reconnects (a late reply must not be read as the answer to another command).
    private(set) var timedOut = false

    /// Ctrl-C came while a reply was owed: the connection was closed (see `timedOut`).
    private(set) var interruptedOwingReply = false

    /// Bytes of a reply have arrived but not the whole of it.
    var hasPartialReply: Bool { parser.hasPartialInput }

    /// Preliminary (1yz) replies accepted while waiting for one final reply; past this the server is looping.
    static let maximumPreliminaryReplies = 64

    /// The next reply, preliminary (1yz) ones included, within `timeout` seconds for the whole reply (a server that
    /// trickles bytes or blank lines cannot stretch it). `closeOnTimeout: false` is for drains that expect silence.
    func readReply(timeout: Double? = nil, closeOnTimeout: Bool = true) throws(FTPError) -> Reply {
        let limit = timeout ?? replyTimeout
        return try readReply(until: MonotonicClock.now + limit, limit: limit, closeOnTimeout: closeOnTimeout)
    }

    private func readReply(until deadline: Double, limit: Double, closeOnTimeout: Bool) throws(FTPError) -> Reply {
        while true {
            let parsed: Reply?
            do { parsed = try parser.next() } catch {
                socket.close()
                throw FTPError(.protocolViolation, "the server sent something that is not an FTP reply (\(error)); is this an FTP server?")
            }
            if let reply = parsed {
                events(.received(reply))
                if reply.code == .serviceNotAvailable {
                    socket.close()
                    throw FTPError(.connectionClosed, "the server closed the connection: \(reply.summary)", reply: reply)
                }
                return reply
            }
            let count: Int
            do throws(FTPError) {
                let remaining = deadline - MonotonicClock.now
                guard remaining > 0 else { throw FTPError(.timedOut, "") }
                count = try stream.read(into: readBuffer, timeout: remaining, what: "waiting for the server's reply")
            } catch where error.code == .timedOut {
                if closeOnTimeout {
                    timedOut = true
                    socket.close()
                }
                throw FTPError(.timedOut, "timed out after \(format(limit)) s waiting for the server's reply; the server may be overloaded or the network down")
            } catch where error.code == .connectionClosed {
                socket.close()
                throw FTPError(.connectionClosed, "the server closed the connection (\(error.message))", advice: .reconnect)
            } catch where error.code == .interrupted {
                // Ctrl-C while a reply is owed: it would answer the next command. Closed, as after a timeout, and
                // the next command reconnects. (A transfer's Ctrl-C is settled by ABOR, with Ctrl-C ignored there.)
                interruptedOwingReply = true
                socket.close()
                throw error
            }
            if count == 0 {
                socket.close()
                throw FTPError(.connectionClosed, "the server closed the connection", advice: .reconnect)
            }
            parser.feed(UnsafeRawBufferPointer(rebasing: readBuffer[0..<count]))
        }
    }

    /// The final (non-1yz) reply, within `timeout` seconds for the whole exchange and after at most
    /// `maximumPreliminaryReplies` 1yz replies: an endless stream of "150 still working" ends in an error.
    func readFinalReply(timeout: Double? = nil, closeOnTimeout: Bool = true) throws(FTPError) -> Reply {
        let limit = timeout ?? replyTimeout
        let deadline = MonotonicClock.now + limit
        for _ in 0...ControlConnection.maximumPreliminaryReplies {
            let reply = try readReply(until: deadline, limit: limit, closeOnTimeout: closeOnTimeout)
            if !reply.code.isPreliminary { return reply }
        }
        socket.close()
        throw FTPError(.protocolViolation, "the server sent more than \(ControlConnection.maximumPreliminaryReplies) preliminary replies without a final one; the connection was closed")
    }

    /// Sends a command and returns its final reply.
    func execute(_ command: Command) throws(FTPError) -> Reply {
        try setAsideUnsolicitedReplies()
        try send(command)
        return try readFinalReply()
    }

    /// Replies that came while no command waited for one (a server that answered one command twice, as
    /// pyftpdlib does a line over its length limit) are read and said before the next command, so that command is
    /// paired with its own reply and not with the stray one. Not under TLS, where unread bytes may be session
    /// tickets rather than a reply; there `startTransfer` still refuses a transfer answered 2yz without a 1yz.
    private func setAsideUnsolicitedReplies() throws(FTPError) {
        guard !stream.isProtected, socket.isOpen else { return }
        for _ in 0..<ControlConnection.maximumPreliminaryReplies {
            var reply = (try? parser.next()) ?? nil
            if let buffered = reply {
                events(.received(buffered))
            } else {
                guard (try? socket.wait(for: Int16(POLLIN), timeout: 0)) == true else { return }
                do throws(FTPError) { reply = try readReply(timeout: 0.2, closeOnTimeout: false) } catch where error.code == .timedOut {
                    return
                }
            }
            if let reply {
                events(.notice("the server sent a reply no command was waiting for (\(reply.summary)); set aside, so the next command gets its own"))
            }
        }
    }
}
