import Synchronization

/// Running totals of what an `ObjectHost` did, for `/metrics`: activations (an object brought to
/// life on this host), evictions (an object put to rest after its idle timeout) and KV calls
/// (every storage and lease request the host made).
public final class ObjectHostCounters: Sendable {
    let activationCount = Atomic<Int>(0)
    let evictionCount = Atomic<Int>(0)
    let kvCallCount = Atomic<Int>(0)

    public init() {}

    /// Objects activated on this host since it started.
    public var activations: Int { activationCount.load(ordering: .relaxed) }
    /// Objects evicted for idleness since the host started.
    public var evictions: Int { evictionCount.load(ordering: .relaxed) }
    /// Requests made to the KV service since the host started.
    public var kvCalls: Int { kvCallCount.load(ordering: .relaxed) }
}
