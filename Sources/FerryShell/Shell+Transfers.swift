import FerryClient
import FerryCore
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// get and its variants (reget, newer, restart, `-` and `|command` targets), put, append.
extension Shell {
    enum GetMode { case normal, resume, newer }

    /// Where a download goes. Only what the user typed as the local argument of `get` can be standard output or
    /// a command; a name from the server or a URL is always a plain file (see `LocalName`).
    enum Destination: Equatable {
        /// A file the user named: it may be a device or FIFO (`get f /dev/null`).
        case file(String)
        /// A file named after the server's (or URL's) name: always a regular file in this folder.
        case derivedFile(String)
        case standardOutput
        case command(String)

        /// The local argument as the user typed it: `-` is standard output, `|command` a command's input.
        static func typed(_ word: String) -> Destination {
            if word == "-" { return .standardOutput }
            if word.hasPrefix("|") { return .command(String(word.dropFirst())) }
            return .file(Shell.expandingTilde(word))
        }
    }

    /// get remote-file [local-file]: the local name defaults to the remote file's last path component, made safe;
    /// a typed `-` writes to standard output, `|command` to a command's standard input.
    func get(_ args: [String], mode: GetMode = .normal, command: String = "get") -> CommandOutcome {
        guard (1...2).contains(args.count), !args[0].isEmpty else { return .usage }
        if args.count == 2 { return fetch(args[0], to: .typed(args[1]), mode: mode, command: command) }
        // A name the user typed is the user's choice: `get -dash.txt` saves `-dash.txt`. (The renaming of a leading
        // `-` is for names that come from a server; everything else LocalName changes still changes here.)
        let typed = LocalName.lastComponent(args[0])
        if typed.count > 1, typed.hasPrefix("-"), let decision = try? LocalName.forRemote(typed),
           decision.name == "_" + typed.dropFirst() {
            return fetch(args[0], to: .derivedFile(typed), mode: mode, command: command)
        }
        return fetchIntoFolder(args[0], mode: mode, command: command)
    }

    /// Downloads `remote` under a local name derived from it by `LocalName` (mget, fget, URLs): says when the
    /// name had to be changed, refuses names that cannot be saved here.
    func fetchIntoFolder(_ remote: String, as derived: String? = nil, mode: GetMode, command: String,
                         known: RemoteMatch? = nil) -> CommandOutcome {
        let decision: LocalName.Decision
        do throws(FTPError) { decision = try LocalName.forRemote(derived ?? remote) } catch {
            return .failure("\(command): refusing the remote name '\(Console.sanitize(remote))': \(error.message)")
        }
        if let original = decision.original {
            console.error("\(command): saving '\(Console.sanitize(original))' as '\(Console.sanitize(decision.name))': the server's name is not safe to use as it is")
        }
        return fetch(remote, to: .derivedFile(decision.name), mode: mode, command: command, known: known)
    }

    /// `known`: what a listing already said of the file (mget), so no SIZE or MDTM is asked for it.
    func fetch(_ remote: String, to destination: Destination, mode: GetMode, command: String,
               known: RemoteMatch? = nil) -> CommandOutcome {
        let type = settings.transferType
        let requested: String
        // A command's input and standard output are streams: no `.part` to resume or verify and nothing to retry
        // onto, so they keep the direct path (client.retrieve) instead of the job's entry point; so does `restart N`
        // below, which writes into the named file itself.
        switch destination {
        case .command(let line):
            // No progress line: the command (a pager) may be drawing on the terminal itself.
            return transfer(command, name: remote, received: true, progress: false) { () throws(FTPError) -> TransferResult in
                try toCommand(line) { fd throws(FTPError) in try client.retrieve(remote, to: fd, type: type) }
            }
        case .standardOutput:
            return console.keepingStandardOutputForData {
                transfer(command, name: remote, received: true) { () throws(FTPError) -> TransferResult in
                    // The progress line (on the terminal, while the bytes go down a pipe) gets its percent and ETA
                    // from the size; a binary SIZE is the byte count that will come.
                    let size = showsProgress && type == .image && client.features.supports("SIZE") ? try? client.size(remote) : nil
                    return try client.retrieve(remote, to: 1, type: type, expectedSize: size)
                }
            }
        case .file(let name), .derivedFile(let name):
            requested = name
        }
        var local = requested
        if settings.receiveUnique, mode == .normal, let unique = Shell.uniqueLocalName(local) { local = unique }
        var info = stat()
        let localExists = WireText.withCString(local) { stat($0, &info) } == 0
        var remoteTime: Int64?
        if mode == .newer, localExists {
            // The listing's time when mget has it, else MDTM.
            remoteTime = known?.modified
            if remoteTime == nil {
                do throws(FTPError) {
                    remoteTime = try FTPClient.unlessRefused { () throws(FTPError) in try remoteModificationTime(remote) } ?? nil
                } catch { return failure(command, error) }
            }
        }
        if let remoteTime, remoteTime <= Int64(info.st_mtim.tv_sec) {
            console.line("Local file \"\(Console.sanitize(local))\" is newer than remote file \"\(Console.sanitize(remote))\".")
            return .success
        }
        if let offset = settings.restartPoint {
            // `restart N` then get: the classic explicit offset, written in place.
            settings.restartPoint = nil
            return transfer(command, name: remote, received: true) { () throws(FTPError) -> TransferResult in
                try retrieveInPlace(remote, local: local, type: type, offset: offset)
            }
        }
        if mode == .normal, prefersSegments(remote, to: local) {
            return segmentedFetch(remote, to: local, segments: settings.pgetSegments, command: command)
        }
        if settings.verbose { console.chatter("local: \(Console.sanitize(local)) remote: \(Console.sanitize(remote))") }
        var options = FTPClient.DownloadOptions()
        options.resume = mode == .resume
        options.resumeTargetItself = mode == .resume
        options.useTemporaryFile = settings.temporaryFiles
        options.verify = settings.verify
        if case .file = destination { options.allowSpecialTarget = true }
        var item = TransferJob.Item(.download, remote: remote, local: local, size: known?.size)
        item.modified = known?.modified
        var report: TransferResult?
        let outcome = transfer(command, name: remote, received: true) { () throws(FTPError) -> TransferResult in
            let done = try runOne(item, options: options, command: command, what: "'\(Console.sanitize(remote))'")
            report = done
            return done
        }
        guard outcome == .success else { return outcome }
        if let report, report.resumedAt > 0, report.bytes == 0, settings.verbose || mode == .resume {
            console.line("Local file \"\(Console.sanitize(local))\" is already complete (\(report.resumedAt) bytes).")
        }
        if let checksum = report?.verifiedWith, settings.verbose {
            console.line("Verified: the \(checksum.algorithm.rawValue) matches the server's (\(checksum.command)).")
        }
        if settings.preserve { preserveTime(remote, local: local, known: remoteTime ?? known?.modified) }
        return .success
    }

    /// One file through the job's entry point on this session alone (get, reget, mget one by one, put, mput):
    /// resumed, verified and retried as every job's files are; its progress, notices and retries drawn as before.
    func runOne(_ item: TransferJob.Item, options: FTPClient.DownloadOptions, command: String,
                what: String) throws(FTPError) -> TransferResult {
        var policy = TransferJob.Policy()
        policy.type = settings.transferType
        policy.download = options
        policy.retries = settings.retries
        let relay = OneSessionRelay(self, command: command, what: what)
        let results = client.run(TransferJob([item], policy: policy), recipe: session) { relay.handle($0) }
        return try results[0].get()
    }

    /// A retry or a reconnection of a transfer, said on stderr as every command says it.
    func say(_ event: TransferEngine.Event, command: String, what: String) {
        switch event {
        case .retrying(let error, let attempt, let total, let wait):
            progressLine?.clear()
            console.error(Console.sanitize("\(command): \(error.message)"))
            let again = error.code == .checksumMismatch ? "Downloading \(what) again from the start" : "Resuming \(what)"
            console.error("\(again) in \(wait < 1 ? "a moment" : "\(Int(wait)) s") (attempt \(attempt) of \(total)).")
        case .reconnected(let host):
            console.error("Reconnected to \(Console.sanitize(host)).")
        }
    }

    /// The transfer engine on this session, with the settings and recipe of now; what it does is said on stderr
    /// (`what` names the transfer, already sanitised: "'big.bin'", "the upload of 'up.bin'").
    func engine(for command: String, what: String) -> TransferEngine {
        let engine = TransferEngine(client: client, recipe: session)
        engine.policy.retries = settings.retries
        engine.onEvent = { [unowned self] event in say(event, command: command, what: what) }
        return engine
    }

    /// put local-file [remote-file]; the remote name defaults to the local file's last path component.
    func put(_ args: [String], mode: FTPClient.StoreMode = .replace, command: String = "put") -> CommandOutcome {
        guard (1...2).contains(args.count), !args[0].isEmpty else { return .usage }
        let local = Shell.expandingTilde(args[0])
        return send(local, as: args.count == 2 ? args[1] : LocalName.lastComponent(local), mode: mode, command: command)
    }

    func send(_ local: String, as remote: String, mode requested: FTPClient.StoreMode, command: String) -> CommandOutcome {
        let type = settings.transferType
        let mode = requested == .replace && settings.storeUnique ? .unique : requested
        let offset = settings.restartPoint ?? 0
        settings.restartPoint = nil
        if settings.verbose { console.chatter("local: \(Console.sanitize(local)) remote: \(Console.sanitize(remote))") }
        let what = "the upload of '\(Console.sanitize(local))'"
        return transfer(command, name: local, received: false) { () throws(FTPError) -> TransferResult in
            // A plain upload goes through the job's entry point; append, unique names and `restart N` are the
            // engine's modes a job item does not have.
            guard mode == .replace, offset == 0 else {
                return try engine(for: command, what: what).upload(local, as: remote, type: type, mode: mode, restartAt: offset)
            }
            var item = TransferJob.Item(.upload, remote: remote, local: local)
            item.viaTemporary = settings.temporaryUploads
            return try runOne(item, options: FTPClient.DownloadOptions(), command: command, what: what)
        }
    }

    var showsProgress: Bool { settings.progress && console.errorIsTerminal }

    /// Appends from `offset` to the local file itself (reget, restart): the prefix must stay where it is.
    private func retrieveInPlace(_ remote: String, local: String, type: TransferType, offset: Int64) throws(FTPError) -> TransferResult {
        let fd = WireText.withCString(local) { Glibc.open($0, O_WRONLY | O_CREAT | O_CLOEXEC, 0o666) }
        guard fd >= 0 else { throw FTPError(.localFile, "cannot open '\(local)': \(String(cString: strerror(errno)))") }
        defer { Glibc.close(fd) }
        guard lseek(fd, off_t(offset), SEEK_SET) == off_t(offset) else {
            throw FTPError(.localFile, "cannot seek to byte \(offset) of '\(local)'")
        }
        return try client.retrieve(remote, to: fd, type: type, restartAt: offset)
    }

    private func remoteModificationTime(_ remote: String) throws(FTPError) -> Int64? {
        Timestamp.parse(try client.modificationTime(remote))
    }

    /// Gives `local` the remote file's time (`known` when the caller already asked MDTM).
    func preserveTime(_ remote: String, local: String, known: Int64? = nil) {
        guard let seconds = known ?? (try? remoteModificationTime(remote)) else { return }
        LocalFileTime.set(local, to: seconds)
    }

    /// Runs `body` with a descriptor that feeds `command`'s standard input; waits for the command.
    func toCommand(_ command: String, _ body: (Int32) throws(FTPError) -> TransferResult) throws(FTPError) -> TransferResult {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw FTPError(.localFile, "cannot create a pipe: \(String(cString: strerror(errno)))") }
        let spawned = Subprocess.spawn(["/bin/sh", "-c", command], input: fds[0], closing: [fds[1]])
        Glibc.close(fds[0])
        guard case .success(let pid) = spawned else {
            Glibc.close(fds[1])
            throw FTPError(.localFile, "cannot run '\(command)'")
        }
        var result: Result<TransferResult, FTPError>
        do throws(FTPError) { result = .success(try body(fds[1])) } catch { result = .failure(error) }
        // The command stopped reading (a pager quit early, `head`): that is its choice, not a failure.
        if case .failure(let error) = result, error.code == .localFile, Shell.readerIsGone(fds[1]) {
            console.error("'\(Console.sanitize(command))' closed before the end; the rest was not sent.")
            result = .success(TransferResult(bytes: 0, seconds: 0, reply: Reply(code: ReplyCode(226), lines: ["226"])))
        }
        Glibc.close(fds[1])
        _ = Subprocess.wait(pid)
        return try result.get()
    }

    /// The read end of a pipe is closed (POLLERR on the write end).
    static func readerIsGone(_ fd: Int32) -> Bool {
        var entry = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        return poll(&entry, 1, 0) == 1 && entry.revents & Int16(POLLERR) != 0
    }

    func transfer(_ command: String, name: String, received: Bool, progress: Bool = true,
                  _ body: () throws(FTPError) -> TransferResult) -> CommandOutcome {
        if progress, showsProgress, settings.hashBytes == nil {
            let position = jobPosition.map { "[\($0.index)/\($0.count)] " } ?? ""
            progressLine = ProgressLine(console: console, name: position + LocalName.lastComponent(name))
        }
        if let step = settings.hashBytes { hashMarks = HashMarks(console: console, step: step) }
        defer {
            progressLine?.finish()
            progressLine = nil
            hashMarks?.finish()
            hashMarks = nil
            if settings.bell { console.status("\u{07}") }
        }
        let result: TransferResult
        do throws(FTPError) { result = try body() } catch {
            if error.code == .diskFull { diskFilled = true }
            return failure(command, error)
        }
        if settings.verbose {
            progressLine?.finish()
            progressLine = nil
            hashMarks?.finish()
            hashMarks = nil
            console.chatter(ProgressLine.summary(bytes: result.bytes, seconds: result.seconds, received: received))
        }
        return .success
    }

    /// name, else name.1 … name.99 — the first that does not exist; nil when all do.
    static func uniqueLocalName(_ name: String) -> String? {
        var info = stat()
        if WireText.withCString(name, { stat($0, &info) }) != 0 { return name }
        for index in 1...99 where WireText.withCString("\(name).\(index)", { stat($0, &info) }) != 0 { return "\(name).\(index)" }
        return nil
    }
}

/// The events of a job of one file on the shell's own session, drawn as the shell draws a single transfer's.
/// @unchecked: such a job runs on the calling thread alone (no extra sessions), so its events arrive on the thread
/// that owns the shell.
final class OneSessionRelay: @unchecked Sendable {
    private unowned let shell: Shell
    private let command: String
    private let what: String

    init(_ shell: Shell, command: String, what: String) {
        self.shell = shell
        self.command = command
        self.what = what
    }

    func handle(_ event: TransferJob.Event) {
        switch event {
        case .pool(.progress(_, let progress)): shell.show(.progress(progress))
        case .pool(.notice(let text)): shell.show(.notice(text))
        case .pool(.engine(_, let step)): shell.say(step, command: command, what: what)
        default: break
        }
    }
}
