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

    public static var isRequested: Bool {
        let count = requests.load(ordering: .relaxed)
        let ignored = Int(bitPattern: pthread_getspecific(ignoredKey))
        return count > max(acknowledged.load(ordering: .relaxed), ignored)
    }

    /// Runs `body` with the requests made so far ignored on this thread (an ABOR exchange after Ctrl-C).
    static func ignoringPending<T>(_ body: () throws(FTPError) -> T) throws(FTPError) -> T {
        let before = pthread_getspecific(ignoredKey)
        pthread_setspecific(ignoredKey, UnsafeRawPointer(bitPattern: requests.load(ordering: .relaxed)))
        defer { pthread_setspecific(ignoredKey, before) }
        return try body()
    }
}
