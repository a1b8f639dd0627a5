import Synchronization
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// A closure on its own POSIX thread: blocking sockets want threads, not Tasks (the cooperative pool here has two
/// threads). SIGINT is blocked on it, so Ctrl-C always reaches the thread that started the work, whose waits see it.
final class WorkerThread {
    private var thread = pthread_t()
    private let started: Bool

    private final class Box {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }

    init(stackSize: Int = 1 << 20, _ body: @escaping @Sendable () -> Void) {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setstacksize(&attributes, stackSize)
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        started = pthread_create(&thread, &attributes, { raw in
            var blocked = sigset_t()
            sigemptyset(&blocked)
            sigaddset(&blocked, SIGINT)
            pthread_sigmask(SIG_BLOCK, &blocked, nil)
            let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
            box.body()
            return nil
        }, box) == 0
        if !started { Unmanaged<Box>.fromOpaque(box).release() }
    }

    /// False when the system refused another thread (the work then runs on fewer).
    var isRunning: Bool { started }

    func join() {
        if started { pthread_join(thread, nil) }
    }
}
