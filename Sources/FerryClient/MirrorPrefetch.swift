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
        var wanted: [String] = []
        var next = 0
        var running: Set<String> = []
        var ready: [String: Result<FolderListing, FTPError>] = [:]
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
        state.withLock { $0.wanted.append(relative) }
    }

    /// The listing of `relative` when a session fetched it (waiting while one is at it); nil when none started
    /// it, and then none will: the caller lists it.
    func take(_ relative: String) -> Result<FolderListing, FTPError>? {
        while true {
            let (result, busy): (Result<FolderListing, FTPError>?, Bool) = state.withLock { state in
                if let result = state.ready.removeValue(forKey: relative) { return (result, false) }
                if state.running.contains(relative) { return (nil, true) }
                // Not started: take it out of the queue, so no session lists it twice.
                if let index = state.wanted[state.next...].firstIndex(of: relative) { state.wanted.remove(at: index) }
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
        WorkerThread.settle(threads) { false }
    }

    private func work() {
        var client: FTPClient?
        var side: MirrorRemoteSide?
        defer { client?.quit() }
        while let relative = nextFolder() {
            if client == nil {
                guard let opened = FTPClient.extraSession(recipe, configuration: configuration, type: .ascii, notice: { _ in }) else {
                    _ = state.withLock { $0.running.remove(relative) }
                    return
                }
                client = opened
                side = MirrorRemoteSide(client: opened, root: root, listAll: listAll, offset: offset)
            }
            let result: Result<FolderListing, FTPError>
            do throws(FTPError) { result = .success(try side!.list(relative)) } catch { result = .failure(error) }
            state.withLock { state in
                state.running.remove(relative)
                state.ready[relative] = result
            }
            if client?.isConnected != true { return }
        }
    }

    /// The next folder to fetch, waiting while `limit` listings already wait to be taken; nil to stop.
    private func nextFolder() -> String? {
        while true {
            let (folder, done): (String?, Bool) = state.withLock { state in
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
