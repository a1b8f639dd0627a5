import FerryCore
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// One byte range of a file by REST + RETR, for segmented downloads.
extension FTPClient {
    /// Downloads bytes `start..<end()` of `remote` in binary into `fd`, each at its own offset (pwrite). `end` is
    /// asked before every read, so another range may take over this one's tail. At the end the data connection is
    /// reset and the server's reply read (426 or 226, whichever it sends); a server that then says nothing in time
    /// loses the session, and the caller opens it again. `written` is told every write. Returns the bytes written.
    /// The range that reaches `fileSize` is not cut short: it reads on to the end of the stream, so a file longer
    /// than its announced SIZE is found out ("more bytes than the server announced") instead of cut to fit.
    public func retrieveRange(_ remote: String, start: Int64, end: () -> Int64, fileSize: Int64, into fd: Int32,
                              written: (Int64) -> Void) throws(FTPError) -> Int64 {
        let connection = try connected()
        try setType(.image)
        let (opened, _) = try startTransfer(Command(.retr, remote), restartAt: start)
        guard let socket = opened else { return 0 }
        var position = start
        var streamError: FTPError?
        var stoppedEarly = false
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: min(configuration.bufferSize, 1 << 20), alignment: 4096)
        defer { buffer.deallocate() }
        do throws(FTPError) {
            let stream = try dataStream(socket)
            while true {
                let limit = end()
                if position >= limit, limit < fileSize {
                    stoppedEarly = true
                    break
                }
                let wanted = limit > position ? min(Int64(buffer.count), limit - position) : Int64(buffer.count)
                let slice = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<Int(wanted)])
                let count = try stream.read(into: slice, timeout: configuration.stallTimeout, what: "data transfer")
                if count == 0 { break }
                if position + Int64(count) > fileSize {
                    throw FTPError(.protocolViolation, "the server sent more bytes than it announced (\(fileSize)); the download is discarded")
                }
                try FTPClient.writeAll(fd, UnsafeRawBufferPointer(rebasing: slice[0..<count]), at: position)
                position += Int64(count)
                written(Int64(count))
            }
        } catch { streamError = error }
        if streamError?.code == .interrupted {
            abort(connection, data: socket)
            throw FTPError(.interrupted, "download interrupted after \(position - start) bytes of the range")
        }
        if stoppedEarly { socket.resetAndClose() } else { socket.close() }
        if stoppedEarly {
            // The cut transfer is answered with 426, or 226 when the server had sent everything — some servers send
            // both. A NOOP pairs the replies for certain: whatever comes before its 200 belongs to the cut transfer.
            // When that does not work out in time the session is closed (the caller reopens it for the next range);
            // the range itself is whole either way.
            do throws(FTPError) {
                try Interruption.ignoringPending { () throws(FTPError) in
                    try connection.send(Command(.noop))
                    for _ in 0..<4 {
                        if try connection.readFinalReply(timeout: min(10, configuration.replyTimeout)).code.rawValue == 200 { return }
                    }
                    throw FTPError(.protocolViolation, "no reply to NOOP after a cut range")
                }
            } catch { close() }
            return position - start
        }
        let reply: Reply
        do throws(FTPError) {
            reply = try connection.readFinalReply()
        } catch {
            if let streamError { throw streamError }
            throw error
        }
        if let streamError {
            let code: FTPError.Code = [.localFile, .protocolViolation].contains(streamError.code) ? streamError.code : .transferIncomplete
            throw FTPError(code, "range from byte \(start) incomplete at byte \(position): \(streamError.message)", reply: reply)
        }
        guard reply.code.isSuccess else {
            throw FTPError(.transferIncomplete, "range from byte \(start) failed at byte \(position): \(reply.summary)", reply: reply)
        }
        if position < end() {
            // 226 and the stream ended early: the file is shorter than its SIZE (a lie, or changed on the server).
            throw FTPError(.protocolViolation, "the file ended at byte \(position), before its announced size; it may have changed on the server")
        }
        return position - start
    }

    /// pwrite(2) until every byte is at `offset`.
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int64) throws(FTPError) {
        var done = 0
        while done < bytes.count {
            let count = pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset + Int64(done)))
            if count < 0 {
                if errno == EINTR { continue }
                throw FTPError(.localFile, "cannot write the local file: \(FTPError.systemMessage(errno))")
            }
            done += count
        }
    }
}
