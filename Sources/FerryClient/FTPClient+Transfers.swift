import FerryCore
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// RETR, STOR, APPE, LIST and NLST. A transfer succeeds only when the data stream ended cleanly
/// and the server's final reply is 2yz.
extension FTPClient {
    /// Downloads `remote` into an open descriptor (REST first when `offset` > 0).
    @discardableResult
    public func retrieve(_ remote: String, to output: Int32, type: TransferType, restartAt offset: Int64 = 0,
                         expectedSize: Int64? = nil) throws(FTPError) -> TransferResult {
        try download(Command(.retr, remote), to: .descriptor(output), type: type, offset: offset, expected: expectedSize)
    }

    /// `body`'s value, or nil when the server refused it or answered nonsense; timeouts and drops are thrown.
    public static func unlessRefused<T>(_ body: () throws(FTPError) -> T) throws(FTPError) -> T? {
        do throws(FTPError) { return try body() } catch where error.code == .commandFailed || error.code == .protocolViolation {
            return nil
        }
    }

    /// How an upload treats the remote name.
    public enum StoreMode: Sendable {
        /// STOR: create or replace.
        case replace
        /// APPE: add to the end.
        case append
        /// STOU: the server picks a unique name (its 1yz/2yz reply says which).
        case unique
    }

    /// Uploads from an open descriptor (REST first when `offset` > 0; the caller positions the descriptor).
    @discardableResult
    public func store(_ remote: String, from input: Int32, type: TransferType, mode: StoreMode = .replace,
                      restartAt offset: Int64 = 0) throws(FTPError) -> TransferResult {
        let connection = try connected()
        forgetListings()
        try setType(type)
        let start = MonotonicClock.now
        let verb: Verb = mode == .append ? .appe : mode == .unique ? .stou : .stor
        let (opened, first) = try startTransfer(Command(verb, remote.isEmpty ? nil : remote), restartAt: offset)
        guard let socket = opened else { return TransferResult(bytes: 0, seconds: MonotonicClock.now - start, reply: first) }
        lastOpenedStore = (remote, offset, 0)
        var streamError: FTPError?
        var info = stat()
        let size: Int64? = fstat(input, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG ? Int64(info.st_size) - offset : nil
        let pump = pump(expected: size, rate: configuration.uploadRateLimit)
        do throws(FTPError) {
            let stream = try dataStream(socket)
            _ = try pump.send(from: input, to: stream, type: type)
            // A TLS upload ends with close_notify, so the server can tell the end from a cut.
            if streamError == nil { stream.finish() }
        } catch { streamError = error }
        lastOpenedStore = (remote, offset, pump.bytes)
        if streamError?.code == .interrupted { abort(connection, data: socket) }
        socket.close()
        let result = try finish(connection, bytes: pump.bytes, start: start, streamError: streamError, verb: "upload")
        // The file lost bytes while it was read (rewritten by someone else): what the server holds is no copy of it.
        // Its size now says so too; a file whose size is no measure of its content (sysfs says 4096) is left alone.
        if let size, pump.bytes < size, fstat(input, &info) == 0, Int64(info.st_size) - offset < size {
            throw FTPError(.localFileChanged, "the local file shrank while '\(remote)' was sent (\(pump.bytes) of \(size) bytes); the server's copy is short", advice: .uploadAgain)
        }
        return result
    }

    /// Uploads the regular file at `localPath` as `remote` (from byte `offset`, with REST, when it is > 0).
    @discardableResult
    public func store(_ remote: String, fromPath localPath: String, type: TransferType, mode: StoreMode = .replace,
                      restartAt offset: Int64 = 0) throws(FTPError) -> TransferResult {
        // O_NONBLOCK: a FIFO must not hang the open; it is refused below as not a regular file (on which reads
        // block whatever the flag says, so it may stay).
        let fd = open(localPath, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            throw FTPError(.localFile, "cannot open '\(localPath)': \(FTPError.systemMessage(errno)); check the name")
        }
        defer { _ = Glibc.close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            throw FTPError(.localFile, "'\(localPath)' is not a regular file")
        }
        if offset > Int64(info.st_size) {
            throw FTPError(.localFile, "the server's copy of '\(remote)' (\(offset) bytes) is larger than '\(localPath)' (\(info.st_size) bytes); not resuming the upload", advice: .uploadAgain)
        }
        if offset > 0, lseek(fd, off_t(offset), SEEK_SET) != off_t(offset) {
            throw FTPError(.localFile, "cannot seek to byte \(offset) of '\(localPath)'")
        }
        return try store(remote, from: fd, type: type, mode: mode, restartAt: offset)
    }

    /// LIST (or NLST when `namesOnly`) into a descriptor, in ASCII with local line ends.
    @discardableResult
    public func list(_ path: String?, namesOnly: Bool = false, to output: Int32) throws(FTPError) -> TransferResult {
        let result = try download(Command(namesOnly ? .nlst : .list, path), to: .descriptor(output), type: .ascii, offset: 0, expected: nil)
        try FTPClient.requireWholeListing(result.reply, of: path)
        return result
    }

    /// Throws `.listingIncomplete` when the final reply of a listing says the server cut it short (its lines were
    /// delivered all the same): no caller may take the absence of a name in it as a fact.
    public static func requireWholeListing(_ reply: Reply, of path: String?) throws(FTPError) {
        guard let line = ListingCompleteness.cutShort(reply) else { return }
        let folder = path.map { "'\($0)'" } ?? "this folder"
        throw FTPError(.listingIncomplete, "the server cut the listing of \(folder) short (\(line)); it is not the whole folder, and the limit is the server's setting (pure-ftpd -L, proftpd ListOptions maxfiles)",
                       reply: reply, advice: .raiseListingLimit)
    }

    /// Any listing verb (LIST, NLST, MLSD) into memory, with local line ends. Bounded to 64 MiB.
    public func listing(_ verb: Verb, _ path: String?) throws(FTPError) -> [UInt8] {
        let sink = DataPump.MemorySink(limit: 64 << 20)
        // Bounded in time too: ten reply timeouts for the whole listing.
        _ = try download(Command(verb, path), to: .memory(sink), type: .ascii, offset: 0, expected: nil,
                         deadline: MonotonicClock.now + 10 * configuration.replyTimeout)
        return sink.bytes
    }

    /// Any listing verb, line by line as it arrives (local line ends stripped, empty lines left out): memory stays
    /// that of one line (at most 64 KiB) whatever the listing's length. Bounded by the stall timeout (and the
    /// listing deadline a caller set, TAB's), and in total to 4 GiB. A listing whose final reply says it was cut
    /// short throws `.listingIncomplete` after its lines were delivered.
    @discardableResult
    public func eachListingLine(_ verb: Verb, _ path: String?,
                                _ body: @escaping (ArraySlice<UInt8>) throws(FTPError) -> Void) throws(FTPError) -> Reply {
        let sink = DataPump.LineSink(lineLimit: 64 << 10, body: body)
        let result = try download(Command(verb, path), to: .lines(sink), type: .ascii, offset: 0, expected: nil,
                                  deadline: listingDeadline, limit: 4 << 30)
        try sink.finish()
        try FTPClient.requireWholeListing(result.reply, of: path)
        return result.reply
    }

    // MARK: data pump glue

    private func download(_ command: Command, to output: DataPump.DataSink, type: TransferType, offset: Int64,
                          expected: Int64?, deadline: Double? = nil, limit: Int64? = nil) throws(FTPError) -> TransferResult {
        let connection = try connected()
        try setType(type)
        let start = MonotonicClock.now
        let (opened, first) = try startTransfer(command, restartAt: offset)
        guard let socket = opened else { return TransferResult(bytes: 0, seconds: MonotonicClock.now - start, reply: first) }
        var streamError: FTPError?
        let pump = pump(expected: expected, rate: configuration.downloadRateLimit)
        pump.deadline = deadline
        pump.limit = limit
        pump.resumedFrom = offset
        // Not under TLS: session tickets may wait unread on a protected control connection.
        pump.control = connection.stream.isProtected ? nil : connection.socket
        do throws(FTPError) {
            _ = try pump.receive(from: try dataStream(socket), to: output, type: type)
        } catch { streamError = error }
        if streamError?.code == .interrupted { abort(connection, data: socket) }
        socket.close()
        return try finish(connection, bytes: pump.bytes, start: start, streamError: streamError, verb: "download")
    }

    private func pump(expected: Int64?, rate: Int?) -> DataPump {
        let pump = DataPump(bufferSize: configuration.bufferSize, stallTimeout: configuration.stallTimeout,
                                    useSplice: configuration.useSplice, expected: expected) { [weak self] in
            self?.onEvent(.progress($0))
        }
        pump.rateLimit = rate
        pump.convertLineEnds = configuration.convertLineEnds
        return pump
    }

    /// Reads the final reply and decides: clean stream and 2yz, or an error that says what happened.
    private func finish(_ connection: ControlConnection, bytes: Int64, start: Double, streamError: FTPError?,
                        verb: String) throws(FTPError) -> TransferResult {
        if let streamError, streamError.code == .interrupted {
            throw FTPError(.interrupted, "\(verb) interrupted after \(bytes) bytes", advice: verb == "download" ? .resumeLater : nil)
        }
        let reply: Reply
        // After a data stall the server is rarely quick to say so (it may be stuck itself): its final reply gets a
        // second at most, then the connection goes and the transfer is retried on a new one without a back-off.
        let stalled = streamError?.code == .timedOut
        do throws(FTPError) {
            reply = try connection.readFinalReply(timeout: stalled ? min(configuration.replyTimeout, 1) : nil)
        } catch {
            if stalled, !connection.socket.isOpen { closedAfterDataStall = true }
            if let streamError { throw streamError }
            throw FTPError(error.code, "\(verb) incomplete after \(bytes) bytes: \(error.message)")
        }
        if let streamError {
            // A refused data connection (TLS) or bytes past SIZE are not worth resuming; a cut stream is.
            let kept: [FTPError.Code] = [.localFile, .diskFull, .protocolViolation, .connectionFailed]
            let code: FTPError.Code = kept.contains(streamError.code) ? streamError.code : .transferIncomplete
            throw FTPError(code, "\(verb) incomplete after \(bytes) bytes: \(streamError.message)", reply: reply)
        }
        guard reply.code.isSuccess else {
            throw FTPError(.transferIncomplete, "\(verb) failed after \(bytes) bytes: \(reply.summary)", reply: reply)
        }
        return TransferResult(bytes: bytes, seconds: MonotonicClock.now - start, reply: reply)
    }
}

extension FTPClient {
    /// RFC 959 §4.1.3: Telnet IP, Synch (IAC DM as urgent data), then ABOR (under TLS, ABOR alone). The two replies
    /// owed — the transfer's and ABOR's — are paired by AbortReplies within 5 s, so the next command gets its own;
    /// when they do not come the connection is closed (it can no longer pair replies). The Ctrl-C that caused this
    /// is ignored here only (other sessions of the job still see it); a second Ctrl-C drops the connection.
    func abort(_ connection: ControlConnection, data: Socket) {
        let socket = connection.socket
        if !connection.stream.isProtected {
            // Under TLS these bytes would land between TLS records and break the session: there ABOR goes
            // in-band through the TLS stream alone (RFC 4217 servers read it there).
            _ = [UInt8]([255, 244]).withUnsafeBytes { send(socket.descriptor, $0.baseAddress, 2, Int32(MSG_NOSIGNAL)) }
            socket.sendUrgent([255, 242])
        }
        do throws(FTPError) {
            try Interruption.ignoringPending { () throws(FTPError) in
                try connection.send(Command(.abor))
                // The data connection closes after ABOR is on its way, as RFC 959 §4.1.3 has it.
                data.close()
                var pairing = AbortReplies()
                let deadline = MonotonicClock.now + 5
                while !pairing.isComplete {
                    pairing.receive(try connection.readFinalReply(timeout: max(0.01, deadline - MonotonicClock.now)))
                }
            }
        } catch where error.code == .interrupted {
            notice("interrupted again: dropping the connection")
            close()
        } catch {
            close()
        }
    }
}
