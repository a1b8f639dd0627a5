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

    /// How a download to a path behaves.
    public struct DownloadOptions: Sendable {
        /// Continue a partial download (the hidden `.name.part`) with REST — after checking that the partial
        /// bytes belong to the remote file.
        public var resume = false
        /// With `resume`: when there is no `.part`, continue the named file itself (classic reget). Retries of a
        /// plain get never do: a file that was already there is not the start of this download.
        public var resumeTargetItself = false
        /// Write to `.name.part` and rename into place only on success (off: write the file in place, classic).
        public var useTemporaryFile = true
        /// Keep the `.name.part` of a failed download so it can be resumed.
        public var keepPartial = true
        /// After the transfer, compare the file with the server's checksum when it offers one.
        public var verify = true
        /// Compare the byte count with SIZE (asked first, in binary mode) and fail on a difference.
        public var checkSize = true
        /// The remote file's modification time as the caller's listing gave it (mirror). A kept `.part` is stamped
        /// with it, and a `.part` continues only when it bears the same stamp — a partial of another version
        /// of the file starts over instead, and so does one whose prefix the server's checksum rejects.
        public var remoteModified: Int64?
        /// A `.part` that cannot be continued (the remote file changed, its prefix differs) starts over instead of
        /// failing the download (mirror: the copy must come, and the `.part` is ours).
        public var startOverWhenPartialDiffers = false
        /// Write into an existing device or FIFO (`get f /dev/null`): only when the user named it. A name from a
        /// server that meets a FIFO, a device or a link to one in the local folder is refused instead.
        public var allowSpecialTarget = false
        /// Creates options with every default.
        public init() {}
    }

    /// What a download found out beyond the bytes: where it resumed and what it verified.
    public struct DownloadReport: Sendable {
        /// What the transfer moved (its bytes counted from `resumedAt`).
        public var result: TransferResult
        /// The byte the download continued from; 0 when it started at the beginning.
        public var resumedAt: Int64
        /// The server's checksum the file matched; nil when none was compared.
        public var verifiedWith: RemoteChecksum?

        /// The report; `result` carries where it resumed and what it verified too (what a job returns).
        init(result: TransferResult, resumedAt: Int64, verifiedWith: RemoteChecksum?) {
            var result = result
            result.resumedAt = resumedAt
            result.verifiedWith = verifiedWith
            self.result = result
            self.resumedAt = resumedAt
            self.verifiedWith = verifiedWith
        }
    }

    /// Downloads `remote` to the file at `localPath`. By default the bytes go to a hidden `.name.part` beside it
    /// that is renamed into place only when the stream ended cleanly, the server said 2yz, the byte count matches
    /// SIZE and (when the server offers one) the checksum matches — so a failed download never leaves a file
    /// that looks complete, and never harms a file already there.
    @discardableResult
    public func retrieve(_ remote: String, toPath localPath: String, type: TransferType,
                         expectedSize: Int64? = nil) throws(FTPError) -> TransferResult {
        try download(remote, toPath: localPath, type: type, options: DownloadOptions(), expectedSize: expectedSize).result
    }

    /// Downloads `remote` to the file at `localPath` as `options` ask; reports where it resumed and what it verified.
    public func download(_ remote: String, toPath localPath: String, type: TransferType, options: DownloadOptions,
                         expectedSize known: Int64? = nil) throws(FTPError) -> DownloadReport {
        let target = LocalTarget(path: localPath, temporary: options.useTemporaryFile)
        if let refusal = target.refusal { throw refusal }
        guard target.isRegular || options.allowSpecialTarget else {
            throw FTPError(.localFile, "'\(localPath)' exists here and is not a regular file (a FIFO, a device or a link to one); not writing into it")
        }
        var expected = known
        if expected == nil, options.checkSize || options.resume, type == .image, features.supports("SIZE") {
            try setType(type)
            // A refused or unreadable SIZE means "unknown"; a timeout or a drop is an error of its own (the engine
            // reconnects), never a silent "Not connected." later.
            expected = try FTPClient.unlessRefused { () throws(FTPError) in try size(remote) }
        }
        let origin = target.writePath == localPath ? nil
            : PartialOrigin(server: originServer, remotePath: absolutePath(of: remote), size: expected)
        let offset = try resumeOffset(remote, target: target, options: options, expected: expected, origin: origin)
        // Classic reget of the named file itself: the user vouches for it; once moved to the `.part` name it is stamped.
        let adoptsTarget = offset > 0 && options.resumeTargetItself
            && target.resumePath(allowTarget: true) == localPath && target.writePath != localPath
        // What SIZE says is still to come must fit on the disk: refused now, not after filling it.
        if let expected, target.isRegular, let free = LocalTarget.freeBytes(near: target.writePath), expected - offset > free {
            throw FTPError(.diskFull, "'\(remote)' needs \(expected - offset) more bytes and only \(free) are free here; free some space first")
        }
        let fd = try target.open(truncate: offset == 0, allowTarget: options.resumeTargetItself)
        // The record is written now for a file that may take a while (so a `.part` a kill -9 leaves can be
        // continued), and for a small one only when its `.part` is kept: two metadata writes a file cost ext4
        // journal work that a job of thousands of small files felt (see PartialOrigin.eagerSize).
        var recorded = offset > 0 && !adoptsTarget
        if let origin, offset == 0 || adoptsTarget, adoptsTarget || (expected ?? .max) >= PartialOrigin.eagerSize {
            recorded = origin.stamp(fd)
        }
        let result: TransferResult
        do throws(FTPError) {
            if offset > 0, lseek(fd, off_t(offset), SEEK_SET) != off_t(offset) {
                throw FTPError(.localFile, "cannot seek to byte \(offset) of '\(target.writePath)'")
            }
            if let expected, offset > 0, offset == expected {
                result = TransferResult(bytes: 0, seconds: 0, reply: Reply(code: .closingData, lines: ["226 already complete"]))
            } else {
                result = try retrieve(remote, to: fd, type: type, restartAt: offset, expectedSize: expected.map { $0 - offset })
            }
            if let expected, type == .image, offset + result.bytes != expected {
                throw FTPError(.transferIncomplete, "received \(offset + result.bytes) of \(expected) bytes of '\(remote)' although the server reported success; the partial file is kept", advice: .resumeLater)
            }
        } catch {
            _ = Glibc.close(fd)
            // Bytes beyond what the server announced are not the start of the file: nothing to resume from.
            let kept = options.keepPartial && error.code != .protocolViolation
            if kept, !recorded, let origin { origin.stamp(path: target.writePath) }
            target.failed(keep: kept, stamp: options.remoteModified)
            // A cut or stalled stream, or a full disk, whose bytes stay in the .part: say where, and that it can be continued.
            var info = stat()
            if kept, error.advice == nil, options.useTemporaryFile,
               [.timedOut, .transferIncomplete, .connectionClosed, .diskFull].contains(error.code),
               WireText.withCString(target.writePath, { lstat($0, &info) }) == 0 {
                let where_ = error.code == .diskFull ? "; what arrived is kept in '\(target.writePath)'" : ""
                throw FTPError(error.code, error.message + where_, reply: error.reply, advice: .resumeLater)
            }
            throw error
        }
        let written = LocalTarget.identity(of: fd)
        guard Glibc.close(fd) == 0 else {
            let reason = FTPError.systemMessage(errno)
            target.failed(keep: false)
            throw FTPError(.localFile, "cannot finish writing '\(localPath)': \(reason)")
        }
        // Devices, FIFOs and standard output get no local checksum pass: what was written cannot be read back.
        let verified = try proveAndCommit(target, written: written, remote: remote,
                                          verify: options.verify && type == .image && target.isRegular,
                                          recorded: recorded, origin: origin)
        return DownloadReport(result: result, resumedAt: offset, verifiedWith: verified)
    }

    /// Where a download starts: 0, or with `resume` the size of a partial this download may continue — one of
    /// Ferry's own for this server and file (`origin`), of this version of the file (its stamp, MDTM), whose bytes
    /// the server's range checksum does not contradict. A partial that fails these starts over when
    /// `startOverWhenPartialDiffers`, else refuses. A fresh download removes a segmented download's state file.
    private func resumeOffset(_ remote: String, target: LocalTarget, options: DownloadOptions, expected: Int64?,
                              origin: PartialOrigin?) throws(FTPError) -> Int64 {
        // A .part with a segment state file beside it is preallocated at full size and full of holes: only a segmented download may
        // continue it, and a fresh download starts by removing both.
        let segmentState = target.segmentStatePath
        var stateInfo = stat()
        if target.writePath != target.path, WireText.withCString(segmentState, { lstat($0, &stateInfo) }) == 0 {
            if options.resume {
                throw FTPError(.localFile, "'\(target.writePath)' belongs to an interrupted segmented download", advice: .continueSegmented)
            }
            _ = WireText.withCString(segmentState) { unlink($0) }
        }
        var offset: Int64 = 0
        if options.resume, let stamp = options.remoteModified, !target.partialBears(stamp) { target.discardPartial() }
        if options.resume, let origin, target.resumePath(allowTarget: false) != nil, let refusal = target.originRefusal(origin) {
            guard options.startOverWhenPartialDiffers else { throw refusal }
            target.discardPartial()
        }
        if options.resume, let existing = target.existingPartialSize(allowTarget: options.resumeTargetItself) {
            offset = existing
            if let expected, offset > expected {
                throw FTPError(.localFile, "the local '\(target.resumePath(allowTarget: options.resumeTargetItself) ?? target.path)' is larger (\(offset) bytes) than the remote file (\(expected)); not resuming")
            }
            // A partial file that already holds every byte is checked like any other before it is put in place.
            if offset > 0, let partial = target.resumePath(allowTarget: options.resumeTargetItself) {
                do throws(FTPError) {
                    // The stamp already proved which version the partial belongs to: only its bytes are checked.
                    try checkResumable(remote, partial: partial, offset: offset, checkTime: options.remoteModified == nil)
                } catch where options.startOverWhenPartialDiffers && error.advice == .downloadAgain {
                    target.discardPartial()
                    offset = 0
                }
            }
        }
        return offset
    }

    /// The one tail of every download to a path (one stream or segments): the `.part` must still be the file this
    /// download wrote (`written`); with `verify`, the server's checksum of the file, when it offers one, must match
    /// the `.part`'s; then the `.part` takes its name. A checksum that does not come keeps the `.part` (the next
    /// attempt verifies again); one that differs sets the bytes aside as `.name.bad` (`onMismatch` runs first).
    func proveAndCommit(_ target: LocalTarget, written: LocalTarget.Identity?, remote: String, verify: Bool,
                        recorded: Bool = true, origin: PartialOrigin? = nil,
                        onMismatch: () -> Void = {}) throws(FTPError) -> RemoteChecksum? {
        // The .part is verified (and kept or marked bad) by name: first, that name must still be this download's.
        if verify, !target.holds(written) { throw target.takenOver }
        let remoteSum: RemoteChecksum?
        do throws(FTPError) {
            remoteSum = verify ? try remoteChecksum(of: remote) : nil
        } catch {
            // The server offered a checksum and did not give it: the bytes stay unproven in the .part, which the
            // next attempt verifies again.
            if !recorded, let origin { origin.stamp(path: target.writePath) }
            target.failed(keep: true)
            throw FTPError(error.code, "'\(remote)' arrived, but the server's checksum of it did not (\(error.message)); kept as \(target.writePath)", reply: error.reply)
        }
        if let remoteSum {
            let localSum = try FTPClient.localChecksum(of: target.writePath, algorithm: remoteSum.algorithm)
            guard localSum == remoteSum.hex else {
                onMismatch()
                let kept = target.markBad()
                throw FTPError(.checksumMismatch, "'\(remote)' arrived but its \(remoteSum.algorithm.rawValue) (\(localSum.prefix(16))…) differs from the server's (\(remoteSum.hex.prefix(16))…); kept as \(kept)")
            }
        }
        try target.commit(written, removingOrigin: recorded)
        return remoteSum
    }

    /// Refuses to append unless the partial bytes belong to the remote file: the remote file must not have
    /// changed since the partial was written (MDTM), and where the server offers a checksum of a byte range
    /// the partial's checksum must match it.
    func checkResumable(_ remote: String, partial: String, offset: Int64, checkTime: Bool = true) throws(FTPError) {
        var info = stat()
        guard WireText.withCString(partial, { stat($0, &info) }) == 0 else { return }
        if checkTime, features.supports("MDTM"),
           let text = try FTPClient.unlessRefused({ () throws(FTPError) in try modificationTime(remote) }),
           let remoteTime = Timestamp.parse(text),
           remoteTime > Int64(info.st_mtim.tv_sec) + 1 {
            throw FTPError(.localFile, "'\(remote)' changed on the server after '\(partial)' was written; not appending to it", advice: .downloadAgain)
        }
        if let remoteSum = try remoteChecksum(of: remote, length: offset) {
            let localSum = try FTPClient.localChecksum(of: partial, algorithm: remoteSum.algorithm, length: offset)
            if localSum != remoteSum.hex {
                throw FTPError(.localFile, "the first \(offset) bytes of '\(partial)' differ from the server's (\(remoteSum.algorithm.rawValue) by \(remoteSum.command)); not appending to a wrong prefix", advice: .downloadAgain)
            }
        }
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
