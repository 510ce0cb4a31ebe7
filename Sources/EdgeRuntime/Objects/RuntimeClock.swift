import Foundation
import Synchronization

/// Where the object host reads the time: leases, idle eviction and renewals all ask it.
///
/// Injected so tests can move time by hand instead of sleeping. The unit is wall-clock
/// milliseconds since the Unix epoch, because lease expiry times are written to KV by one host and
/// compared by another: every process on the box must read the same clock.
public protocol RuntimeClock: Sendable {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    func nowMilliseconds() -> Int64
}

/// The system's wall clock.
public struct SystemRuntimeClock: RuntimeClock {
    /// The system clock.
    public init() {}
    /// The system's wall-clock time in milliseconds since the epoch.
    public func nowMilliseconds() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }
}

/// A clock that moves only when told to: for tests of idle eviction and lease expiry.
public final class ManualRuntimeClock: RuntimeClock {
    private let now: Atomic<Int64>

    /// A clock that reads `startMilliseconds` until advanced.
    public init(startMilliseconds: Int64 = 1_800_000_000_000) { now = Atomic(startMilliseconds) }

    /// The time the clock was last moved to.
    public func nowMilliseconds() -> Int64 { now.load(ordering: .acquiring) }

    /// Moves the clock forward by `milliseconds`.
    public func advance(milliseconds: Int64) { now.add(milliseconds, ordering: .acquiringAndReleasing) }
}
