#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Where threads wait for one another: a condition variable with a count of rings, so a ring between a waiter's
/// look at the state and its wait is not lost (it looks, notes `rings`, and waits only while no ring came since).
/// Waits sleep in slices of a quarter second and, while Ctrl-C is pending, come back after one so the caller can
/// look: worker threads block SIGINT, and a condition variable is not woken by a signal on the thread that takes it.
/// @unchecked: a pthread mutex and condition, touched only through them.
final class Doorbell: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>
    private var count = 0

    init() {
        mutex = .allocate(capacity: 1)
        condition = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Rings so far: note it before looking at the state a ring announces, then `wait(after:)` it.
    var rings: Int {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return count
    }

    func ring() {
        pthread_mutex_lock(mutex)
        count += 1
        pthread_cond_broadcast(condition)
        pthread_mutex_unlock(mutex)
    }

    /// Sleeps until a ring after `seen`, `seconds` have passed or Ctrl-C is pending. True when it rang.
    @discardableResult
    func wait(after seen: Int, seconds: Double) -> Bool {
        let deadline = MonotonicClock.now + max(0, seconds)
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while count == seen {
            let now = MonotonicClock.now
            if now >= deadline { return false }
            var until = timespec()
            clock_gettime(CLOCK_MONOTONIC, &until)
            let slice = min(deadline - now, 0.25)
            let nanoseconds = Int(until.tv_nsec) + Int(slice * 1e9)
            until.tv_sec += nanoseconds / 1_000_000_000
            until.tv_nsec = nanoseconds % 1_000_000_000
            pthread_cond_timedwait(condition, mutex, &until)
            // Back to the caller after a slice asleep when Ctrl-C is pending, so it can look (never at once: a
            // caller that loops until its work is done would spin).
            if count == seen, Interruption.isRequested { return false }
        }
        return true
    }
}

/// A pause (a retry's back-off, a rate limit) that ends early on Ctrl-C, and on a worker thread when its crew
/// hangs up (see `SessionCrew`).
public enum Pause {
    /// False when it ended early: Ctrl-C is pending or the crew hung up.
    @discardableResult
    public static func sleep(_ seconds: Double) -> Bool {
        let hangup = Hangup.current
        let bell = hangup?.bell ?? Doorbell()
        let deadline = MonotonicClock.now + seconds
        while true {
            let seen = bell.rings
            if Interruption.isRequested || hangup?.isHungUp == true { return false }
            let left = deadline - MonotonicClock.now
            if left <= 0 { return true }
            bell.wait(after: seen, seconds: left)
        }
    }
}
