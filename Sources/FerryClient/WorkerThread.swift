import Synchronization
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// A closure on its own POSIX thread: blocking sockets want threads, not Tasks (the cooperative pool here has two
/// threads). SIGINT is blocked on it, so Ctrl-C always reaches the thread that started the work (the worker's
/// waits look at the Ctrl-C count themselves).
final class WorkerThread {
    private var thread = pthread_t()
    private let started: Bool
    private let box: Box
    private var settled = false

    private final class Box {
        let body: @Sendable () -> Void
        let ended = Atomic<Bool>(false)
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }

    init(stackSize: Int = 1 << 20, _ body: @escaping @Sendable () -> Void) {
        box = Box(body)
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setstacksize(&attributes, stackSize)
        let raw = Unmanaged.passRetained(box).toOpaque()
        started = pthread_create(&thread, &attributes, { raw in
            var blocked = sigset_t()
            sigemptyset(&blocked)
            sigaddset(&blocked, SIGINT)
            pthread_sigmask(SIG_BLOCK, &blocked, nil)
            let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
            box.body()
            box.ended.store(true, ordering: .releasing)
            return nil
        }, raw) == 0
        if !started { Unmanaged<Box>.fromOpaque(raw).release() }
    }

    /// The body has returned (or the thread never started).
    var hasEnded: Bool { !started || box.ended.load(ordering: .acquiring) }

    func join() {
        guard started, !settled else { return }
        settled = true
        pthread_join(thread, nil)
    }

    /// Lets the thread finish on its own (a session still logging in when the job is already done).
    func detach() {
        guard started, !settled else { return }
        settled = true
        pthread_detach(thread)
    }

    /// Joins the thread once `isDone()` holds or it has ended, whichever comes first; then a thread still running
    /// (stuck opening a session the job no longer needs) is detached rather than waited for.
    /// Looked at after 1 ms, then at doubling intervals up to 10 ms: a job of small files ends within a millisecond
    /// or two of its last file, and a long tail (one big file still moving) costs at most 100 checks a second.
    static func settle(_ threads: [WorkerThread], when isDone: () -> Bool) {
        var nap: UInt32 = 1_000
        while !threads.allSatisfy(\.hasEnded), !isDone() {
            usleep(nap)
            nap = min(nap * 2, 10_000)
        }
        for thread in threads { thread.hasEnded ? thread.join() : thread.detach() }
    }
}
