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

    /// Downloads `remote` to the file at `localPath`. The bytes go to a hidden `.name.part` beside it that is
    /// renamed into place only on success, so a failed download never leaves a file that looks complete
    /// and never harms a file already there.
    @discardableResult
    public func retrieve(_ remote: String, toPath localPath: String, type: TransferType,
                         expectedSize: Int64? = nil) throws(FTPError) -> TransferResult {
        let target = LocalTarget(path: localPath)
        let fd = WireText.withCString(target.writePath) { open($0, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666) }
        guard fd >= 0 else {
            throw FTPError(.localFile, "cannot create '\(localPath)': \(FTPError.systemMessage(errno)); check the folder and its permissions")
        }
        let result: TransferResult
        do throws(FTPError) {
            result = try retrieve(remote, to: fd, type: type, expectedSize: expectedSize)
        } catch {
            _ = Glibc.close(fd)
            target.discard()
            throw error
        }
        guard Glibc.close(fd) == 0 else {
            let reason = FTPError.systemMessage(errno)
            target.discard()
            throw FTPError(.localFile, "cannot finish writing '\(localPath)': \(reason)")
        }
        try target.commit()
        return result
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
        var streamError: FTPError?
        let engine = engine(expected: nil, rate: configuration.uploadRateLimit)
        do throws(FTPError) {
            _ = try engine.send(from: input, to: socket, type: type)
        } catch { streamError = error }
        socket.shutdownWrite()
        socket.close()
        return try finish(connection, bytes: engine.bytes, start: start, streamError: streamError, verb: "upload")
    }

    @discardableResult
    public func store(_ remote: String, fromPath localPath: String, type: TransferType, mode: StoreMode = .replace,
                      restartAt offset: Int64 = 0) throws(FTPError) -> TransferResult {
        let fd = open(localPath, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw FTPError(.localFile, "cannot open '\(localPath)': \(FTPError.systemMessage(errno)); check the name")
        }
        defer { _ = Glibc.close(fd) }
        if !TransferEngine.isRegularFile(fd) {
            throw FTPError(.localFile, "'\(localPath)' is not a regular file")
        }
        if offset > 0, lseek(fd, off_t(offset), SEEK_SET) != off_t(offset) {
            throw FTPError(.localFile, "cannot seek to byte \(offset) of '\(localPath)'")
        }
        return try store(remote, from: fd, type: type, mode: mode, restartAt: offset)
    }

    /// LIST (or NLST when `namesOnly`) into a descriptor, in ASCII with local line ends.
    @discardableResult
    public func list(_ path: String?, namesOnly: Bool = false, to output: Int32) throws(FTPError) -> TransferResult {
        try download(Command(namesOnly ? .nlst : .list, path), to: .descriptor(output), type: .ascii, offset: 0, expected: nil)
    }

    /// Any listing verb (LIST, NLST, MLSD) into memory, with local line ends. Bounded to 64 MiB.
    public func listing(_ verb: Verb, _ path: String?) throws(FTPError) -> [UInt8] {
        let sink = TransferEngine.MemorySink(limit: 64 << 20)
        try download(Command(verb, path), to: .memory(sink), type: .ascii, offset: 0, expected: nil)
        return sink.bytes
    }

    // MARK: engine glue

    private func download(_ command: Command, to output: TransferEngine.DataSink, type: TransferType, offset: Int64,
                          expected: Int64?) throws(FTPError) -> TransferResult {
        let connection = try connected()
        try setType(type)
        let start = MonotonicClock.now
        let (opened, first) = try startTransfer(command, restartAt: offset)
        guard let socket = opened else { return TransferResult(bytes: 0, seconds: MonotonicClock.now - start, reply: first) }
        var streamError: FTPError?
        let engine = engine(expected: expected, rate: configuration.downloadRateLimit)
        do throws(FTPError) {
            _ = try engine.receive(from: socket, to: output, type: type)
        } catch { streamError = error }
        socket.close()
        return try finish(connection, bytes: engine.bytes, start: start, streamError: streamError, verb: "download")
    }

    private func engine(expected: Int64?, rate: Int?) -> TransferEngine {
        let engine = TransferEngine(bufferSize: configuration.bufferSize, stallTimeout: configuration.stallTimeout,
                                    useSplice: configuration.useSplice, expected: expected) { [weak self] in
            self?.onEvent(.progress($0))
        }
        engine.rateLimit = rate
        engine.convertLineEnds = configuration.convertLineEnds
        return engine
    }

    /// Reads the final reply and decides: clean stream and 2yz, or an error that says what happened.
    private func finish(_ connection: ControlConnection, bytes: Int64, start: Double, streamError: FTPError?,
                        verb: String) throws(FTPError) -> TransferResult {
        let reply: Reply
        do throws(FTPError) {
            reply = try connection.readFinalReply()
        } catch {
            if let streamError { throw streamError }
            throw FTPError(error.code, "\(verb) incomplete after \(bytes) bytes: \(error.message)")
        }
        if let streamError {
            let code: FTPError.Code = streamError.code == .localFile ? .localFile : .transferIncomplete
            throw FTPError(code, "\(verb) incomplete after \(bytes) bytes: \(streamError.message)", reply: reply)
        }
        guard reply.code.isSuccess else {
            throw FTPError(.transferIncomplete, "\(verb) failed after \(bytes) bytes: \(reply.summary)", reply: reply)
        }
        return TransferResult(bytes: bytes, seconds: MonotonicClock.now - start, reply: reply)
    }
}

/// Where a download writes: a hidden `.name.part` beside a regular-file target, or the target itself when it
/// is a device or pipe (`/dev/null`, a FIFO).
struct LocalTarget {
    let path: String
    let writePath: String

    init(path: String) {
        self.path = path
        var info = stat()
        if WireText.withCString(path, { stat($0, &info) }) == 0, (info.st_mode & S_IFMT) != S_IFREG {
            writePath = path
            return
        }
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        writePath = "\(directory).\(name).part"
    }

    func discard() {
        if writePath != path { _ = WireText.withCString(writePath) { unlink($0) } }
    }

    func commit() throws(FTPError) {
        guard writePath != path else { return }
        let moved = WireText.withCString(writePath) { from in WireText.withCString(path) { Glibc.rename(from, $0) } }
        if moved != 0 {
            let reason = FTPError.systemMessage(errno)
            discard()
            throw FTPError(.localFile, "cannot move the download into '\(path)': \(reason)")
        }
    }
}
