import FerryCore

extension FTPClient {
    /// A diagnosis probe: LIST of the working folder through the data channel the (probed) plan makes, at most
    /// 64 KiB of it read. Returns the data connection's port on the server's side (passive) or ours (active).
    func probeListing() throws(FTPError) -> UInt16 {
        lastNegotiation = nil
        let connection = try connected()
        if wireType != .ascii {
            _ = try? connection.execute(Command(.type, "A"))
            wireType = .ascii
        }
        let (opened, _) = try startTransfer(Command(.list))
        guard let socket = opened else { return 0 }
        let active = lastNegotiation?.current.map { !$0.isPassive } ?? false
        let port = (active ? socket.localAddress?.port : socket.peerAddress?.port) ?? 0
        let stream = try dataStream(socket)
        let limit = 64 * 1024
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: limit, alignment: 16)
        defer { buffer.deallocate() }
        var total = 0, ended = false
        while total < limit {
            let count = try stream.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[total...]),
                                        timeout: configuration.stallTimeout, what: "the probe listing")
            if count == 0 { ended = true; break }
            total += count
        }
        if ended { stream.finish() }
        socket.close()
        do throws(FTPError) {
            // Enough was read to prove the channel: a listing cut here is answered 426, which is fine.
            _ = try connection.readFinalReply(timeout: configuration.replyTimeout)
        } catch {
            abandonControlConnection()
        }
        return port
    }
}
