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
final class MirrorPrefetch {
    private let shared: Listers
    private let crew: SessionCrew

    init(sessions: Int, recipe: SessionRecipe, configuration: ClientConfiguration, like side: MirrorRemoteSide) {
        let shared = Listers(recipe: recipe, configuration: configuration, like: side, limit: max(2, sessions * 2))
        self.shared = shared
        crew = SessionCrew(sessions, hangup: shared.hangup) { shared.work() }
    }

    /// A folder the planner will visit (relative to the top).
    func want(_ relative: String) {
        shared.state.withLock { $0.wanted.append(ByteName(relative)) }
        shared.hangup.bell.ring()
    }

    /// The listing of `relative` when a session fetched it (waiting while one is at it); nil when none started
    /// it, and then none will: the caller lists it.
    func take(_ relative: String) -> Result<FolderListing, FTPError>? {
        let key = ByteName(relative)
        while true {
            let seen = shared.hangup.bell.rings
            let (result, busy): (Result<FolderListing, FTPError>?, Bool) = shared.state.withLock { state in
                if let result = state.ready.removeValue(forKey: key) { return (result, false) }
                if state.running.contains(key) { return (nil, true) }
                // Not started: take it out of the queue, so no session lists it twice.
                if let index = state.wanted[state.next...].firstIndex(of: key) { state.wanted.remove(at: index) }
                return (nil, false)
            }
            if let result {
                shared.hangup.bell.ring()  // room for one more listing
                return result
            }
            if !busy { return nil }
            shared.hangup.bell.wait(after: seen, seconds: 1)
        }
    }

    /// Drops what a session fetched (or is fetching) for a folder the planner will not read after all.
    func discard(_ relative: String) { _ = take(relative) }

    /// Ends the sessions (a plan finished, stopped or interrupted): idle ones leave, one still logging in or
    /// listing is hung up, and all are joined.
    func stop() {
        shared.state.withLock { $0.stopped = true }
        shared.hangup.bell.ring()
        crew.finish()
    }
}

/// What the prefetching sessions share with the planner's thread.
private final class Listers: Sendable {
    struct State {
        var wanted: [ByteName] = []
        var next = 0
        var running: Set<ByteName> = []
        var ready: [ByteName: Result<FolderListing, FTPError>] = [:]
        var stopped = false
    }

    let state = Mutex(State())
    let hangup = Hangup()
    private let recipe: SessionRecipe
    private let configuration: ClientConfiguration
    private let root: String
    private let listAll: Bool?
    private let offset: Int64?
    private let limit: Int

    init(recipe: SessionRecipe, configuration: ClientConfiguration, like side: MirrorRemoteSide, limit: Int) {
        self.recipe = recipe
        self.configuration = configuration
        root = side.root
        listAll = side.learnedListAll
        offset = side.offset
        self.limit = limit
    }

    func work() {
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
            hangup.bell.ring()
            if !client.isConnected { return }
        }
    }

    /// The next folder to fetch, waiting while `limit` listings already wait to be taken; nil to stop.
    private func nextFolder() -> ByteName? {
        while true {
            let seen = hangup.bell.rings
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
            hangup.bell.wait(after: seen, seconds: 1)
        }
    }
}
