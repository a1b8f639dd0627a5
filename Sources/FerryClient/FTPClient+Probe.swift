import FerryCore

extension FTPClient {
    /// A diagnosis probe: LIST of the working folder through the data channel the (probed) plan makes, at most
    /// 64 KiB of it read, for at most `seconds`. Returns the data connection's port on the server's side (passive)
    /// or ours (active). Works only when a data connection was made; whatever goes wrong after the transfer command
    /// leaves the control connection closed (its replies may be out of step), so the next probe logs in afresh.
    func probeListing(within seconds: Double) throws(FTPError) -> UInt16 {
        lastNegotiation = nil
        let connection = try connected()
        try? setType(.ascii)
        let (opened, reply) = try startTransfer(Command(.list))
        guard let socket = opened else {
            throw FTPError(.dataConnectionFailed, "the server answered LIST without a data connection (\(reply.summary))")
        }
        let active = lastNegotiation?.current.map { !$0.isPassive } ?? false
        let port = (active ? socket.localAddress?.port : socket.peerAddress?.port) ?? 0
        let deadline = MonotonicClock.now + seconds
        let stream: ByteStream
        do throws(FTPError) { stream = try dataStream(socket) } catch {
            // Connected, but TLS on the data connection failed (a server that wants its session resumed, say).
            socket.close()
            abandonControlConnection()
            throw error
        }
        do throws(FTPError) {
            let limit = 64 * 1024
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: limit, alignment: 16)
            defer { buffer.deallocate() }
            var total = 0, ended = false
            // Bounded in bytes and in time: a listing that trickles proves the channel as well as a whole one.
            while total < limit, MonotonicClock.now < deadline {
                let count = try stream.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[total...]),
                                            timeout: max(0.05, min(configuration.stallTimeout, deadline - MonotonicClock.now)),
                                            what: "the probe listing")
                if count == 0 { ended = true; break }
                total += count
            }
            if ended { stream.finish() }
            socket.close()
            // Enough was read to prove the channel: a listing cut here is answered 426, which is fine.
            _ = try connection.readFinalReply(timeout: max(1, min(configuration.replyTimeout, deadline - MonotonicClock.now + 1)))
        } catch {
            // The data connection was made, which is what the probe asks; the control connection may be out of step.
            socket.close()
            abandonControlConnection()
            if error.code == .interrupted { throw error }
        }
        return port
    }
}
