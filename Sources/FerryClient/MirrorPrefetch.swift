import FerryCore
import Synchronization
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Lists the server's folders of a mirror ahead of the planner, on the job's extra sessions (`-P N`: up to N-1
/// of them), so a tree of many folders is not listed one round trip after another. The planner says which folders
/// it will visit (`want`) and takes each listing when it gets there (`take`); a folder nobody fetched yet it lists
/// itself. At most `limit` listings wait to be taken, so memory stays that of a few folders. Each session lists
/// as the main one learned to: with or without `-a`, with the server's clock offset.
final class MirrorPrefetch: @unchecked Sendable {
    private struct State {
        var wanted: [ByteName] = []
        var next = 0
        var running: Set<ByteName> = []
        var ready: [ByteName: Result<FolderListing, FTPError>] = [:]
        var stopped = false
    }

    private let recipe: SessionRecipe
    private let configuration: ClientConfiguration
    private let root: String
    private let listAll: Bool?
    private let offset: Int64?
    private let limit: Int
    private let state = Mutex(State())
    private var threads: [WorkerThread] = []

    init(sessions: Int, recipe: SessionRecipe, configuration: ClientConfiguration, like side: MirrorRemoteSide) {
        self.recipe = recipe
        self.configuration = configuration
        root = side.root
        listAll = side.learnedListAll
        offset = side.offset
        limit = max(2, sessions * 2)
        threads = (0..<max(0, sessions)).map { _ in WorkerThread { [self] in work() } }
    }

    /// A folder the planner will visit (relative to the top).
    func want(_ relative: String) {
        state.withLock { $0.wanted.append(ByteName(relative)) }
    }

    /// The listing of `relative` when a session fetched it (waiting while one is at it); nil when none started
    /// it, and then none will: the caller lists it.
    func take(_ relative: String) -> Result<FolderListing, FTPError>? {
        while true {
            let key = ByteName(relative)
            let (result, busy): (Result<FolderListing, FTPError>?, Bool) = state.withLock { state in
                if let result = state.ready.removeValue(forKey: key) { return (result, false) }
                if state.running.contains(key) { return (nil, true) }
                // Not started: take it out of the queue, so no session lists it twice.
                if let index = state.wanted[state.next...].firstIndex(of: key) { state.wanted.remove(at: index) }
                return (nil, false)
            }
            if let result { return result }
            if !busy { return nil }
            usleep(1000)
        }
    }

    /// Ends the sessions (a plan finished, stopped or interrupted).
    func stop() {
        state.withLock { $0.stopped = true }
        // A session still logging in is not waited for: it sees `stopped` when it gets there and quits.
        WorkerThread.settle(threads) { true }
    }

    private func work() {
        // The session first: a folder is claimed only by a session that can list it (one stuck logging in must not
        // hold a folder the planner waits for).
        guard state.withLock({ !$0.stopped }),
              let client = FTPClient.extraSession(recipe, configuration: configuration, type: .ascii, notice: { _ in }) else { return }
        defer { client.quit() }
        let side = MirrorRemoteSide(client: client, root: root, listAll: listAll, offset: offset)
        while let key = nextFolder() {
            let result: Result<FolderListing, FTPError>
            do throws(FTPError) { result = .success(try side.list(key.text)) } catch { result = .failure(error) }
            state.withLock { state in
                state.running.remove(key)
                state.ready[key] = result
            }
            if !client.isConnected { return }
        }
    }

    /// Drops what a session fetched (or is fetching) for a folder the planner will not read after all.
    func discard(_ relative: String) { _ = take(relative) }

    /// The next folder to fetch, waiting while `limit` listings already wait to be taken; nil to stop.
    private func nextFolder() -> ByteName? {
        while true {
            let (folder, done): (ByteName?, Bool) = state.withLock { state in
                if state.stopped || Interruption.isRequested { return (nil, true) }
                guard state.ready.count + state.running.count < limit, state.next < state.wanted.count else { return (nil, false) }
                let folder = state.wanted[state.next]
                state.next += 1
                // The front of the queue is dropped now and then: memory follows the folders still to fetch.
                if state.next > 4096 {
                    state.wanted.removeFirst(state.next)
                    state.next = 0
                }
                state.running.insert(folder)
                return (folder, false)
            }
            if let folder { return folder }
            if done { return nil }
            usleep(2000)
        }
    }
}
