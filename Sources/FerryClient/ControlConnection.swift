import FerryCore

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
            throw FTPError(.connectionClosed, "the server closed the connection (\(error.message)); reconnect with 'open'")
        }
    }

    /// The next reply, preliminary (1yz) ones included.
    func readReply(timeout: Double? = nil) throws(FTPError) -> Reply {
        let limit = timeout ?? replyTimeout
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
                count = try stream.read(into: readBuffer, timeout: limit, what: "waiting for the server's reply")
            } catch where error.code == .timedOut {
                throw FTPError(.timedOut, "the server did not reply within \(format(limit)) s; it may be overloaded or the network down")
            } catch where error.code == .connectionClosed {
                socket.close()
                throw FTPError(.connectionClosed, "the server closed the connection (\(error.message)); reconnect with 'open'")
            }
            if count == 0 {
                socket.close()
                throw FTPError(.connectionClosed, "the server closed the connection; reconnect with 'open'")
            }
            parser.feed(UnsafeRawBufferPointer(rebasing: readBuffer[0..<count]))
        }
    }

    /// The final (non-1yz) reply.
    func readFinalReply(timeout: Double? = nil) throws(FTPError) -> Reply {
        while true {
            let reply = try readReply(timeout: timeout)
            if !reply.code.isPreliminary { return reply }
        }
    }

    /// Sends a command and returns its final reply.
    func execute(_ command: Command) throws(FTPError) -> Reply {
        try send(command)
        return try readFinalReply()
    }
}
