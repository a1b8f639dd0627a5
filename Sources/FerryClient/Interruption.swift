import Synchronization
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Ctrl-C. A signal handler counts requests; every wait in the client checks whether one is pending. The shell
/// acknowledges them before each command (`clear`). A session that aborts its transfer does not acknowledge
/// the request for everyone — the other sessions of the job must stop too — it only ignores, on its own thread
/// and while it aborts, the requests made so far (`ignoringPending`), so a second Ctrl-C still reaches it.
public enum Interruption {
    private static let requests = Atomic<Int>(0)
    private static let acknowledged = Atomic<Int>(0)
    /// Per thread: requests up to this count are ignored (0: none).
    nonisolated(unsafe) private static var ignoredKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// Safe to call from a signal handler (a lock-free atomic add).
    public static func request() { requests.add(1, ordering: .relaxed) }

    /// Every request so far is dealt with (the shell, before it reads the next command).
    public static func clear() { acknowledged.store(requests.load(ordering: .relaxed), ordering: .relaxed) }

    /// Whether a Ctrl-C request is pending (neither cleared nor ignored on this thread), or this thread's work is
    /// cancelled.
    public static var isRequested: Bool {
        if current?.isCancelled == true { return true }
        let count = requests.load(ordering: .relaxed)
        let ignored = Int(bitPattern: pthread_getspecific(ignoredKey))
        return count > max(acknowledged.load(ordering: .relaxed), ignored)
    }

    /// Runs `body` with the requests made so far ignored on this thread (an ABOR exchange after Ctrl-C), and the
    /// thread's cancellation too.
    static func ignoringPending<T>(_ body: () throws(FTPError) -> T) throws(FTPError) -> T {
        let before = pthread_getspecific(ignoredKey)
        let cancellation = current
        pthread_setspecific(ignoredKey, UnsafeRawPointer(bitPattern: requests.load(ordering: .relaxed)))
        current = nil
        defer {
            pthread_setspecific(ignoredKey, before)
            current = cancellation
        }
        return try body()
    }

    /// The cancellation of the work on this thread alone (an async caller's Task was cancelled, see
    /// `FTPConnection`): while one is installed and cancelled, `isRequested` is true on this thread, so the work
    /// ends as after Ctrl-C (a transfer with ABOR). A job's extra sessions take their starter's.
    public final class Cancellation: Sendable {
        private let cancelled = Atomic<Bool>(false)
        /// Creates a cancellation that is not cancelled.
        public init() {}
        /// Cancels the work; safe from any thread.
        public func cancel() { cancelled.store(true, ordering: .relaxed) }
        /// Whether `cancel()` was called.
        public var isCancelled: Bool { cancelled.load(ordering: .relaxed) }
    }

    /// This thread's cancellation, nil when none is installed.
    static var current: Cancellation? {
        get { slot.value }
        set { slot.value = newValue }
    }

    private static let slot = ThreadLocalReference<Cancellation>()
}
