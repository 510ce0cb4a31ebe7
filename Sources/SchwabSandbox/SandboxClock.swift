import Foundation
import Synchronization

/// The sandbox's notion of "now": wall-clock time plus an offset that only moves forward.
///
/// Token lifetimes (30 minutes, 7 days), quote movement and limit-order fills all read this clock,
/// so a test can jump it forward (`POST /admin/clock`) instead of waiting. Shared across event
/// loops, so the offset lives behind a `Mutex`.
public final class SandboxClock: Sendable {
    private let offset = Mutex<Double>(0)
    private let fixedBase: Double?

    /// A clock driven by real time; `fixedBase` (epoch seconds) freezes it for pure tests.
    public init(fixedBase: Double? = nil) {
        self.fixedBase = fixedBase
    }

    /// Seconds since 1970-01-01T00:00:00Z, including every advance so far.
    public func now() -> Double {
        (fixedBase ?? Date().timeIntervalSince1970) + offset.withLock { $0 }
    }

    /// Moves the clock forward by `seconds` (negative values are refused by the caller).
    public func advance(by seconds: Double) {
        offset.withLock { $0 += seconds }
    }

    /// How far the clock has been moved in total.
    public var advancedSeconds: Double { offset.withLock { $0 } }
}
