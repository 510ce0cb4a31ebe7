#if canImport(Glibc)
    import Glibc
#endif

/// Nanoseconds on the monotonic clock: the time base of every loop timer and timeout.
///
/// Wall-clock time jumps (NTP, an operator's `date -s`); timeouts must not, so they count on
/// `CLOCK_MONOTONIC`.
public enum MonotonicClock {
    /// Now, in nanoseconds since an arbitrary start.
    public static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec)
    }

    /// A `Duration` in whole nanoseconds, clamped at zero.
    public static func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        if seconds < 0 { return 0 }
        return UInt64(seconds) &* 1_000_000_000 &+ UInt64(attoseconds / 1_000_000_000)
    }

    /// `now() + duration`, saturating.
    public static func deadline(after duration: Duration) -> UInt64 {
        let (sum, overflow) = now().addingReportingOverflow(nanoseconds(duration))
        return overflow ? UInt64.max : sum
    }
}
