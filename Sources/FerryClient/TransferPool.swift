import FerryCore
import Synchronization
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// A job of many file transfers on up to N sessions at once (mget -P, mput -P): the caller's own session works on
/// the calling thread, the others each on a thread and connection of their own, opened from the same recipe
/// (login, TLS, folder). Each file goes through a TransferEngine, so it is resumed, verified and retried exactly as
/// a single get or put. A server that refuses more connections (421, too many users) just leaves the job on fewer
/// sessions; a file that fails does not stop the others. The pool never prints: its owner renders the events.
public final class TransferPool: Sendable {
    /// One file of a pool job: which way it goes, and its remote and local paths.
    public struct Item: Sendable {
        /// Which way a file goes: `download` (server to here) or `upload` (here to server).
        public enum Direction: Sendable {
            /// Server → here.
            case download
            /// Here → server.
            case upload
        }
        /// Which way the file goes.
        public var direction: Direction
        /// The file's path on the server.
        public var remote: String
        /// The file's local path.
        public var local: String
        /// The size the listing gave (downloads), so no SIZE is asked; nil when unknown.
        public var size: Int64?
        /// The remote file's time when the listing gave it to the second (with `setsTimes`; nil: MDTM is asked).
        public var modified: Int64?
        /// Uploads: store as `.name.part` and rename into place, continuing such a partial from `resumeFrom`.
        public var viaTemporary = false
        /// With `viaTemporary`: bytes of the server's `.name.part` to continue from (0: start at byte 0).
        public var resumeFrom: Int64 = 0

        /// Creates an item; `size` in bytes, when the listing gave it.
        public init(_ direction: Direction, remote: String, local: String, size: Int64? = nil) {
            self.direction = direction
            self.remote = remote
            self.local = local
            self.size = size
        }
    }

    /// What the pool says while it runs; the index is the file's position in the items.
    public enum Event: Sendable {
        /// A session began moving file `index`.
        case started(Int)
        /// Bytes of file `index` so far (restarting from 0 on each attempt).
        case progress(Int, TransferProgress)
        /// File `index` is done, with its result.
        case finished(Int, Result<TransferResult, FTPError>)
        /// A retry, a reconnect: what TransferEngine says about file `index`.
        case engine(Int, TransferEngine.Event)
        /// Something worth saying once (a session that could not be opened, a data-channel notice).
        case notice(String)
    }

    /// How the pool runs: how many sessions, which type, and how each file moves.
    public struct Settings: Sendable {
        /// Sessions moving files at once, the caller's own included.
        public var parallel: Int
        /// ASCII or binary (image), for every file.
        public var type: TransferType
        /// How each download behaves.
        public var download = FTPClient.DownloadOptions()
        /// How often a failed transfer is tried again.
        public var policy = TransferEngine.Policy()
        /// Give each copy its original's modification time: a download the remote file's, an upload (MFMT, where
        /// the server offers it) the local file's.
        public var setsTimes = false
        /// Tie each kept `.part` to the remote file's time from the listing (`DownloadOptions.remoteModified`).
        public var stampsPartials = false
        /// Creates settings for `parallel` sessions moving files as `type`.
        public init(parallel: Int, type: TransferType) {
            self.parallel = parallel
            self.type = type
        }
    }

    private struct State {
        var next = 0
        var cancelled = false
        /// Files being moved right now.
        var active = 0
        /// The job is over: a late session's events are not shown.
        var silenced = false
        var results: [Result<TransferResult, FTPError>?]
        /// Results recorded so far: the job is over at `items.count` (looked at on every file's ring: a count, not
        /// a scan of the results, which cost O(n²) on a job of many small files).
        var recorded = 0
        /// Why files were not started when the job stopped on its own (a full disk); nil: Ctrl-C.
        var stop: FTPError?
    }

    private let items: [Item]
    private let settings: Settings
    /// nil: no extra sessions and no reconnection (the caller's session alone, as it is).
    private let recipe: SessionRecipe?
    private let configuration: ClientConfiguration
    private let state: Mutex<State>
    private let sink: @Sendable (Event) -> Void
    /// The job's extra sessions' hangup, whose bell rings when a file's result is in (`run` waits for it).
    private let hangup = Hangup()

    /// Prepares a pool for `items`; the extra sessions are opened from `recipe` when `run(on:)` starts.
    public init(_ items: [Item], settings: Settings, recipe: SessionRecipe?, configuration: ClientConfiguration,
                onEvent: @escaping @Sendable (Event) -> Void) {
        self.items = items
        self.settings = settings
        self.recipe = recipe
        self.configuration = configuration
        self.sink = onEvent
        state = Mutex(State(results: Array(repeating: nil, count: items.count)))
    }

    /// Runs the job; `client` (the caller's session) works on this thread. Returns each file's result, in order;
    /// files not started because the job was cancelled (Ctrl-C) are `.interrupted` failures.
    public func run(on client: FTPClient) -> [Result<TransferResult, FTPError>] {
        let extra = recipe == nil ? 0 : max(0, min(settings.parallel, items.count) - 1)
        let crew = SessionCrew(extra, hangup: hangup) { [self] in self.workOnNewSession() }
        work(on: client)
        // Wait for the sessions that hold a file; one still logging in when every file is done is hung up.
        let total = items.count
        crew.wait { state.withLock { $0.recorded == total || ($0.cancelled && $0.active == 0) } }
        state.withLock { $0.silenced = true }
        crew.finish()
        return state.withLock { state in
            let stop = state.stop ?? FTPError(.interrupted, "not started: the job was interrupted")
            return state.results.map { $0 ?? .failure(stop) }
        }
    }

    /// Stops handing out files; transfers under way end as they are.
    public func cancel() { state.withLock { $0.cancelled = true } }

    private func nextIndex() -> Int? {
        state.withLock { state in
            guard !state.cancelled, state.next < items.count else { return nil }
            defer { state.next += 1 }
            state.active += 1
            return state.next
        }
    }

    private func emit(_ event: Event) {
        if !state.withLock({ $0.silenced }) { sink(event) }
    }

    private func workOnNewSession() {
        // Nothing left to do: no connection is opened for nothing.
        guard state.withLock({ !$0.cancelled && $0.next < items.count }) else { return }
        guard let recipe, let client = FTPClient.extraSession(recipe, configuration: configuration, type: settings.type,
                                                  notice: { [self] in emit(.notice($0)) }) else { return }
        work(on: client)
        client.quit()
    }

    private func work(on client: FTPClient) {
        let engine = TransferEngine(client: client, recipe: recipe, policy: settings.policy)
        let saved = client.onEvent
        defer { client.onEvent = saved }
        while true {
            // A session that dropped and could not be brought back by the engine gets one more try between files;
            // when that fails too, the files left go to the other sessions.
            if !client.isConnected {
                // Only for a file still to move: a job whose last file failed with the connection is over, and
                // its session is the caller's to reconnect (the shell says so when it does).
                guard let recipe, state.withLock({ !$0.cancelled && $0.next < items.count }) else { break }
                do throws(FTPError) { try client.reopen(recipe, type: settings.type) } catch { break }
            }
            guard let index = nextIndex() else { break }
            let item = items[index]
            emit(.started(index))
            client.onEvent = { [self] event in
                switch event {
                case .progress(let progress): emit(.progress(index, progress))
                case .notice(let text): emit(.notice(text))
                default: saved(event)
                }
            }
            engine.onEvent = { [self] event in emit(.engine(index, event)) }
            let result: Result<TransferResult, FTPError>
            do throws(FTPError) {
                result = .success(try move(item, engine: engine, client: client))
            } catch {
                result = .failure(error)
                if error.code == .interrupted || Interruption.isRequested { cancel() }
                // A full disk fails every file after it alike: the job stops at the first.
                if error.code == .diskFull {
                    state.withLock { state in
                        if state.stop == nil { state.stop = FTPError(.diskFull, "not started: the local disk is full") }
                        state.cancelled = true
                    }
                }
            }
            // Said before it is recorded: once every result is in, `run` silences the job, and a late `.finished`
            // would be lost.
            emit(.finished(index, result))
            let over = state.withLock { state in
                state.results[index] = result
                state.recorded += 1
                state.active -= 1
                return state.recorded == items.count || (state.cancelled && state.active == 0)
            }
            // `run` waits for the end of the job alone: rung then, not for every file.
            if over { hangup.bell.ring() }
        }
    }

    private func move(_ item: Item, engine: TransferEngine, client: FTPClient) throws(FTPError) -> TransferResult {
        switch item.direction {
        case .download:
            let size = settings.type == .image ? item.size : nil
            var options = settings.download
            if settings.stampsPartials { options.remoteModified = item.modified }
            let done = try engine.download(item.remote, toPath: item.local, type: settings.type,
                                           options: options, expectedSize: size).result
            if settings.setsTimes { TransferPool.setLocalTime(item.local, of: item.remote, known: item.modified, client: client) }
            return done
        case .upload:
            // A fresh upload through a temporary name falls back to a plain STOR where the server refuses the name or
            // the rename; continuing a temporary left by an earlier run (mirror -R) keeps to it.
            let done = item.viaTemporary
                ? (item.resumeFrom > 0
                    ? try engine.uploadViaTemporary(item.local, as: item.remote, type: settings.type, resumeFrom: item.resumeFrom)
                    : try engine.uploadKeepingTheOriginal(item.local, as: item.remote, type: settings.type))
                : try engine.upload(item.local, as: item.remote, type: settings.type, mode: .replace)
            if settings.setsTimes { try TransferPool.setRemoteTime(item, client: client) }
            return done
        }
    }

    /// The local copy takes the remote file's time: the listing's when given, else MDTM's; none when neither says.
    static func setLocalTime(_ local: String, of remote: String, known: Int64?, client: FTPClient) {
        guard let seconds = known ?? (try? client.modificationTime(remote)).flatMap(Timestamp.parse) else { return }
        LocalFileTime.set(local, to: seconds)
    }

    /// The remote copy takes the local file's time (`FTPClient.setRemoteTime`); a server that cannot is left as it is.
    static func setRemoteTime(_ item: Item, client: FTPClient) throws(FTPError) {
        var info = stat()
        guard WireText.withCString(item.local, { stat($0, &info) }) == 0 else { return }
        _ = try client.setRemoteTime(item.remote, to: Int64(info.st_mtim.tv_sec))
    }
}
