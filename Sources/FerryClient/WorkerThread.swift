import Synchronization
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// A closure on its own POSIX thread: blocking sockets want threads, not Tasks (the cooperative pool here has two
/// threads). SIGINT is blocked on it, so Ctrl-C always reaches the thread that started the work (the worker's
/// waits look at the Ctrl-C count themselves). Always joined (see `SessionCrew`), never detached.
final class WorkerThread {
    private var thread = pthread_t()
    private let started: Bool
    private let box: Box
    private var settled = false

    private final class Box {
        let body: @Sendable () -> Void
        let afterEnd: (@Sendable () -> Void)?
        let ended = Atomic<Bool>(false)
        init(_ body: @escaping @Sendable () -> Void, afterEnd: (@Sendable () -> Void)?) {
            self.body = body
            self.afterEnd = afterEnd
        }
    }

    /// `afterEnd` runs on the thread once `hasEnded` holds (a crew's ring, so a waiter that wakes sees it ended).
    init(stackSize: Int = 1 << 20, afterEnd: (@Sendable () -> Void)? = nil, _ body: @escaping @Sendable () -> Void) {
        box = Box(body, afterEnd: afterEnd)
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
            box.afterEnd?()
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
}
