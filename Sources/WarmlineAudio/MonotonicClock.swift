import Glibc

/// Seconds on CLOCK_MONOTONIC: the one clock both sides of a real-time measurement share.
public enum MonotonicClock {
    /// Now, in seconds since an arbitrary start.
    public static func seconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
