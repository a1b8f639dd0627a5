import CFerrySys
import FerryCore
import Synchronization
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// A segmented download: one file in N byte ranges on N sessions at once, into one preallocated `.part`. A range that finishes
/// early takes half of the largest one still running; a state file beside the `.part` (`.name.pget`) records the
/// ranges, so an interrupted pget continues where it stopped; the whole file is verified by the server's checksum
/// when it offers one, then renamed into place. Without SIZE or REST it falls back to one connection.
public final class SegmentedDownload: Sendable {
    /// What a segmented download says while it runs.
    public enum Event: Sendable {
        /// Bytes of the whole file written so far.
        case progress(TransferProgress)
        /// Something worth saying once (a fallback to one connection, a range that is resumed).
        case notice(String)
    }

    private struct State {
        var plan: SegmentPlan
        var running: Set<Int> = []
        var failure: FTPError?
        var lastSaved = 0.0
        /// When writeback of the `.part` was last started.
        var lastWriteback = 0.0
        /// Failed range attempts in the whole job.
        var attempts = 0
        /// The download is over: a late session's events are not shown.
        var silenced = false
    }

    private let remote: String
    private let localPath: String
    private let segments: Int
    private let recipe: SessionRecipe
    private let configuration: ClientConfiguration
    private let options: FTPClient.DownloadOptions
    private let policy: TransferEngine.Policy
    private let sink: @Sendable (Event) -> Void
    private let state = Mutex(State(plan: SegmentPlan(size: 0, count: 1)))
    /// The state text last written (one writer at a time).
    private let writing = Mutex("")
    /// The extra sessions' hangup, whose bell rings when a range ends (`run` waits for it).
    private let hangup = Hangup()
    private let start = MonotonicClock.now

    /// Prepares a download of `remote` to `localPath` on `segments` sessions (at least 1); `run(on:)` starts it.
    public init(_ remote: String, toPath localPath: String, segments: Int, recipe: SessionRecipe,
                configuration: ClientConfiguration, options: FTPClient.DownloadOptions, policy: TransferEngine.Policy,
                onEvent: @escaping @Sendable (Event) -> Void) {
        self.remote = remote
        self.localPath = localPath
        self.segments = max(1, segments)
        self.recipe = recipe
        self.configuration = configuration
        self.options = options
        self.policy = policy
        self.sink = onEvent
    }

    static let minimumSize: Int64 = 1 << 20

    private func oneConnection(_ client: FTPClient) throws(FTPError) -> FTPClient.DownloadReport {
        let engine = TransferEngine(client: client, recipe: recipe, policy: policy)
        return try engine.download(remote, toPath: localPath, type: .image, options: options)
    }

    /// Runs the download with `client` as its first session and the rest opened from the recipe; on `client` alone
    /// when the file cannot be split (no SIZE or REST, under 1 MiB, a rate limit).
    public func run(on client: FTPClient) throws(FTPError) -> FTPClient.DownloadReport {
        let target = LocalTarget(path: localPath, temporary: true)
        if let refusal = target.refusal { throw refusal }
        guard target.isRegular, target.writePath != localPath else {
            throw FTPError(.invalidArgument, "a segmented download writes a regular file, not '\(localPath)'")
        }
        try client.setType(.image)
        // A rate limit is the user's for the whole download; N sessions would each take it.
        if configuration.downloadRateLimit != nil {
            emit(.notice("a download rate limit is set; downloading on one connection"))
            return try oneConnection(client)
        }
        guard let size = try splittableSize(client) else { return try oneConnection(client) }
        // Below a megabyte a segment costs more than it saves; and a single stream checks the length itself (a
        // server that says SIZE 0 and sends bytes is caught there).
        if size < SegmentedDownload.minimumSize { return try oneConnection(client) }
        let statePath = target.segmentStatePath
        let (plan, fd, resumedAt) = try openPart(target, statePath: statePath, size: size, client: client)
        state.withLock { $0 = State(plan: plan) }
        save(statePath, force: true, part: fd)

        let extra = min(segments, max(1, plan.segments.count)) - 1
        let output = fd
        let crew = SessionCrew(extra, hangup: hangup) { [self] in self.workOnNewSession(fd: output, statePath: statePath) }
        work(on: client, fd: output, statePath: statePath)
        // Wait for the sessions that hold a range; one still logging in when every range is done is hung up.
        // Silenced in the same breath as the decision, so a late session takes no range; and every thread is
        // joined before `fd` is closed, so none can write into it after.
        crew.wait {
            state.withLock { state in
                let over = state.running.isEmpty && (state.plan.isFinished || state.failure != nil || Interruption.isRequested)
                if over { state.silenced = true }
                return over
            }
        }
        state.withLock { $0.silenced = true }
        crew.finish()

        return try finish(target, fd: fd, statePath: statePath, size: size, resumedAt: resumedAt, ranges: plan.segments.count,
                          client: client)
    }

    /// The file's size when it can be downloaded in ranges here (SIZE, and REST accepted); nil, said, when not.
    private func splittableSize(_ client: FTPClient) throws(FTPError) -> Int64? {
        let size: Int64
        do throws(FTPError) {
            guard client.features.supports("SIZE") else { throw FTPError(.commandFailed, "the server offers no SIZE") }
            size = try client.size(remote)
            guard client.features.supports("REST") || client.features.supports("REST STREAM"),
                  try client.execute(Command(.rest, "0")).code == .pendingFurtherInformation else {
                throw FTPError(.commandFailed, "the server cannot start a transfer at an offset (REST)")
            }
        } catch where error.code == .commandFailed || error.code == .protocolViolation {
            emit(.notice("\(error.message); downloading on one connection"))
            return nil
        }
        return size
    }

    /// The `.part` and its plan: the interrupted download's when the state file and the `.part` are a pair for this
    /// server, file and size; else a fresh `.part` of the full size (refused when the disk cannot hold it).
    private func openPart(_ target: LocalTarget, statePath: String, size: Int64,
                          client: FTPClient) throws(FTPError) -> (plan: SegmentPlan, fd: Int32, resumedAt: Int64) {
        var planted = stat()
        if WireText.withCString(statePath, { lstat($0, &planted) }) == 0,
           (planted.st_mode & S_IFMT) != S_IFREG || planted.st_uid != geteuid() {
            throw FTPError(.localFile, "'\(statePath)' exists and is not a regular file of yours; remove it first")
        }
        var resumedAt: Int64 = 0
        let modified = client.features.supports("MDTM")
            ? try FTPClient.unlessRefused { () throws(FTPError) in try client.modificationTime(remote) } : nil
        let identity = "\(recipe.host):\(recipe.port) \(recipe.directory ?? "") \(remote) \(modified ?? "-")"
        // The state file and the `.part` are a pair: the state names the id in the `.part`'s origin record ("?"
        // where the file system keeps none), and that record must name this server, file and size.
        let origin = PartialOrigin(server: client.originServer, remotePath: client.absolutePath(of: remote), size: size)
        let pairedID: String? = switch PartialOrigin.read(target.writePath) {
        case .found(let record) where record.allows(origin): record.id
        case .unknowable: "?"
        default: nil
        }
        var plan = SegmentPlan(size: size, count: segments)
        var fd: Int32
        if let pairedID, let text = SmallText.read(statePath),
           let saved = SegmentPlan.parse(state: text, size: size, identity: identity + " part " + pairedID),
           target.existingPartialSize(allowTarget: false) == size {
            plan = saved
            resumedAt = saved.bytesDone
            fd = try target.open(truncate: false, allowTarget: false)
            emit(.notice("continuing '\(remote)' from \(resumedAt) of \(size) bytes"))
        } else {
            _ = WireText.withCString(statePath) { unlink($0) }
            // A SIZE that lies must not fill the disk: the file has to fit in what is free, with room to spare.
            if let free = LocalTarget.freeBytes(near: target.writePath), size > free - (64 << 20) {
                throw FTPError(.diskFull, "'\(remote)' is said to be \(size) bytes, more than the free space here; not reserving it")
            }
            fd = try target.open(truncate: true, allowTarget: false)
            plan.identity = identity + " part " + (origin.stamp(fd) ? origin.id : "?")
            if size > 0, posix_fallocate(fd, 0, off_t(size)) != 0, ftruncate(fd, off_t(size)) != 0 {
                Glibc.close(fd)
                target.failed(keep: false)
                throw FTPError(.localFile, "cannot make room for \(size) bytes in '\(target.writePath)': \(FTPError.systemMessage(errno))")
            }
        }
        return (plan, fd, resumedAt)
    }

    /// After the sessions: the state saved and an error for an unfinished download; else the `.part` made durable,
    /// proven and put in place, and the state file removed.
    private func finish(_ target: LocalTarget, fd: Int32, statePath: String, size: Int64, resumedAt: Int64, ranges: Int,
                        client: FTPClient) throws(FTPError) -> FTPClient.DownloadReport {
        let (finished, failure, done) = state.withLock { ($0.plan.isFinished, $0.failure, $0.plan.bytesDone) }
        if failure?.code == .protocolViolation {
            // The server lied about the file (more bytes than SIZE): nothing here is worth continuing.
            Glibc.close(fd)
            _ = WireText.withCString(statePath) { unlink($0) }
            target.failed(keep: false)
            throw failure!
        }
        if !finished || failure != nil {
            save(statePath, force: true, part: fd)
            Glibc.close(fd)
            if failure?.code == .interrupted || (failure == nil && Interruption.isRequested) {
                // The whole file's count, not one range's: what the bar showed, and what a second run starts from.
                throw FTPError(.interrupted, "interrupted with \(done) of \(size) bytes here", advice: .continueSegmented)
            }
            throw failure ?? FTPError(.transferIncomplete, "stopped at \(done) of \(size) bytes", advice: .continueSegmented)
        }
        let written = LocalTarget.identity(of: fd)
        guard fsync(fd) == 0 || errno == EINVAL, Glibc.close(fd) == 0 else {
            throw FTPError(.localFile, "cannot finish writing '\(target.writePath)': \(FTPError.systemMessage(errno))")
        }
        // The state file (every range done) stays until the file is proven: a checksum that does not come in time
        // leaves both, and the next pget only verifies.
        let verified = try client.proveAndCommit(target, written: written, remote: remote, verify: options.verify) {
            _ = WireText.withCString(statePath) { unlink($0) }
        }
        _ = WireText.withCString(statePath) { unlink($0) }
        let result = TransferResult(bytes: size - resumedAt, seconds: MonotonicClock.now - start,
                                    reply: Reply(code: .closingData, lines: ["226 \(ranges) ranges"]))
        return FTPClient.DownloadReport(result: result, resumedAt: resumedAt, verifiedWith: verified)
    }


    private func workOnNewSession(fd: Int32, statePath: String) {
        guard state.withLock({ $0.failure == nil && !$0.plan.isFinished }) else { return }
        guard let client = FTPClient.extraSession(recipe, configuration: configuration, type: .image,
                                                  notice: { [self] in emit(.notice($0)) }) else { return }
        work(on: client, fd: fd, statePath: statePath)
        client.quit()
    }

    /// Takes ranges until none is left: an unstarted one, else half of the largest one still running.
    private func work(on client: FTPClient, fd: Int32, statePath: String) {
        let size = state.withLock { $0.plan.size }
        var failures = 0
        while true {
            let taken: (index: Int, start: Int64)? = state.withLock { state in
                guard state.failure == nil, !state.silenced, !Interruption.isRequested else { return nil }
                let free = state.plan.segments.indices.first { !state.plan.segments[$0].isFinished && !state.running.contains($0) }
                guard let index = free ?? state.plan.splitLargest() else { return nil }
                state.running.insert(index)
                return (index, state.plan.segments[index].position)
            }
            guard let (index, position) = taken else { return }
            do throws(FTPError) {
                if !client.isConnected { try client.reopen(recipe, type: .image) }
                _ = try client.retrieveRange(remote, start: position, end: {
                    state.withLock { $0.plan.segments[index].end }
                }, fileSize: size, into: fd, written: { count in
                    let (done, size) = state.withLock { state -> (Int64, Int64) in
                        state.plan.advance(index, by: count)
                        return (state.plan.bytesDone, state.plan.size)
                    }
                    emit(.progress(TransferProgress(bytes: done, expected: size, elapsed: MonotonicClock.now - start)))
                    save(statePath, force: false, part: fd)
                    startWriteback(fd)
                })
                // Saved while the range still counts as running: once it does not, the job may end and remove the
                // state file, which a later save would bring back.
                save(statePath, force: true, part: fd)
                state.withLock { _ = $0.running.remove(index) }
                hangup.bell.ring()
                failures = 0
            } catch {
                // Failures in a row without progress count against the budget; a cut after progress starts it over.
                let moved = state.withLock { state -> Bool in
                    state.running.remove(index)
                    return state.plan.segments[index].position > position
                }
                defer { hangup.bell.ring() }
                failures = moved ? 1 : failures + 1
                // Job-wide too: a server that cuts every range after a few bytes must not be retried for ever.
                let spent = state.withLock { state -> Int in
                    state.attempts += 1
                    return state.attempts
                }
                if error.code == .interrupted || !TransferEngine.isWorthRetrying(error) || failures > policy.retries
                    || spent > policy.retries * max(segments, 1) {
                    state.withLock { if $0.failure == nil { $0.failure = error } }
                    return
                }
                emit(.notice("range at byte \(position): \(error.message); resuming it"))
                if !client.isConnected { Pause.sleep(Double(min(8, 1 << (failures - 1)))) }
            }
        }
    }

    private func emit(_ event: Event) {
        if !state.withLock({ $0.silenced }) { sink(event) }
    }

    /// The finished file is fsync'ed before it is renamed into place (its preallocated blocks would read as zeros
    /// after a crash otherwise). Writeback started every quarter second while the ranges arrive leaves that fsync
    /// little to wait for: the network, not the disk, sets the pace of a segmented download.
    private func startWriteback(_ fd: Int32) {
        let due = state.withLock { state in
            let now = MonotonicClock.now
            guard now - state.lastWriteback >= 0.25 else { return false }
            state.lastWriteback = now
            return true
        }
        if due { _ = ferry_start_writeback(fd) }
    }

    /// Writes the state file at most once a second (always with `force`), so an interrupted pget can continue.
    /// The ranges it records as done are durable first: the state is read, then the `.part` fdatasync'ed (every
    /// byte counted was written before it was counted), then the state written. A power loss can lose the latest
    /// state, never make one claim bytes that the disk does not hold.
    private func save(_ path: String, force: Bool, part fd: Int32) {
        let text: String? = state.withLock { state in
            let now = MonotonicClock.now
            guard force || now - state.lastSaved >= 1 else { return nil }
            state.lastSaved = now
            return state.plan.stateText
        }
        guard let text else { return }
        // One writer at a time: two threads must not share the temporary file. A state unchanged since the last
        // write costs nothing.
        writing.withLock { last in
            guard text != last else { return }
            _ = fdatasync(fd)
            SmallText.write(text, to: path)
            last = text
        }
    }
}
