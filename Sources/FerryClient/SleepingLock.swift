#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// A lock whose waiters sleep at once (a plain pthread mutex). Synchronization's Mutex spins before it sleeps,
/// which is right for short sections but burns CPU around slow system calls (file creation, rename).
/// @unchecked: a pthread mutex, touched only through pthread calls.
final class SleepingLock: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    init() {
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }
}
