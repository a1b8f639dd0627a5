#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Monotonic seconds, for deadlines and transfer rates.
public enum MonotonicClock {
    /// Seconds since an arbitrary fixed point (CLOCK_MONOTONIC); only differences mean anything.
    public static var now: Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
