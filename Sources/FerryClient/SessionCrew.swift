import Synchronization
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// The extra sessions of one job (mget -P, mput -P, pget, mirror's listings), each on a thread of its own; the
/// caller's own session works on the caller's thread. A crew always joins its threads: `finish` hangs up every
/// socket its threads still hold (shutdown(2)), so a session stuck connecting, logging in or waiting for a reply
/// ends at once, then joins them all. Its owner waits asleep (`wait(until:)`) and `ring`s whenever what it waits
/// for may have changed; a thread's end rings too.
final class SessionCrew {
    let hangup: Hangup
    private var threads: [WorkerThread] = []

    /// Starts `count` threads, each running `body`; every socket they open is tied to `hangup` (whose bell the
    /// owner rings when what it waits for changes).
    init(_ count: Int, hangup: Hangup = Hangup(), _ body: @escaping @Sendable () -> Void) {
        self.hangup = hangup
        // A job started by a cancellable caller (FTPConnection) is cancelled on all its sessions.
        let cancellation = Interruption.current
        threads = (0..<max(0, count)).map { _ in
            WorkerThread(afterEnd: { hangup.bell.ring() }) {
                Hangup.current = hangup
                Interruption.current = cancellation
                body()
                Interruption.current = nil
                Hangup.current = nil
            }
        }
    }

    func ring() { hangup.bell.ring() }

    /// Sleeps until `isDone` holds or every thread has ended, looking again at each ring (and Ctrl-C).
    func wait(until isDone: () -> Bool) {
        while true {
            let seen = hangup.bell.rings
            if isDone() || threads.allSatisfy(\.hasEnded) { return }
            hangup.bell.wait(after: seen, seconds: 1)
        }
    }

    /// Hangs up what is still open (a session the job no longer needs) and joins every thread.
    func finish() {
        if !threads.allSatisfy(\.hasEnded) { hangup.hangUp() }
        for thread in threads { thread.join() }
    }

    deinit { finish() }
}

/// The sockets of one crew's threads, so they can be shut down from another thread. A socket is closed under the
/// same lock that shuts them down, so a descriptor number is never shut down after it was closed and reused.
final class Hangup: Sendable {
    private struct State {
        var open: Set<Int32> = []
        var hungUp = false
    }
    private let state = Mutex(State())
    /// Rung when the crew hangs up, so pauses on its threads end (see `Pause`).
    let bell = Doorbell()

    var isHungUp: Bool { state.withLock { $0.hungUp } }

    /// A socket opened on a crew's thread; one opened after the hang-up is shut down at once.
    func adopt(_ descriptor: Int32) {
        state.withLock { state in
            state.open.insert(descriptor)
            if state.hungUp { _ = shutdown(descriptor, Int32(SHUT_RDWR)) }
        }
    }

    func close(_ descriptor: Int32) {
        state.withLock { state in
            state.open.remove(descriptor)
            _ = Glibc.close(descriptor)
        }
    }

    func hangUp() {
        state.withLock { state in
            state.hungUp = true
            for descriptor in state.open { _ = shutdown(descriptor, Int32(SHUT_RDWR)) }
        }
        bell.ring()
    }

    /// The hangup of the crew whose thread this is, nil elsewhere.
    static var current: Hangup? {
        get { slot.value }
        set { slot.value = newValue }
    }

    private static let slot = ThreadLocalReference<Hangup>()
}
