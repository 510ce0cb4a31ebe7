import Synchronization

/// The router's counters for `/metrics`, shared by every request behind one `Mutex`.
///
/// Requests are counted by route kind (`health`, `metrics`, `mcp`, `demo`, `not_found`) and status
/// class (`2xx`...); latency is the time to the response head, in a histogram with fixed buckets;
/// failovers count hosts the router lost; retries count notOwner re-placements.
public final class RouterMetrics: Sendable {
    /// Upper bounds of the latency buckets, in seconds (the last bucket is `+Inf`).
    public static let latencyBuckets: [Double] = [
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
    ]

    /// A copy of every counter at one moment.
    public struct Snapshot: Sendable, Equatable {
        /// Requests by route kind and status class.
        public var requests: [RequestKey: Int] = [:]
        /// Observations per latency bucket (cumulative counts are computed when rendered).
        public var latencyCounts: [Int] = Array(repeating: 0, count: RouterMetrics.latencyBuckets.count + 1)
        /// The sum of all observed latencies, in seconds.
        public var latencySum: Double = 0
        /// Hosts lost (connection closed or pings missed).
        public var failovers = 0
        /// Attempts re-sent to another host after a `notOwner` answer or a lost host.
        public var retries = 0
        /// Hosts connected so far (first connections and reconnections).
        public var hostConnections = 0
    }

    /// A request counter's labels.
    public struct RequestKey: Sendable, Hashable, Comparable {
        /// The route kind.
        public var kind: String
        /// The status class, `2xx` to `5xx`.
        public var statusClass: String

        /// Orders keys for stable output.
        public static func < (a: RequestKey, b: RequestKey) -> Bool {
            (a.kind, a.statusClass) < (b.kind, b.statusClass)
        }
    }

    private let state = Mutex(Snapshot())

    /// No counts yet.
    public init() {}

    /// The counters now.
    public var snapshot: Snapshot { state.withLock { $0 } }

    /// Counts one answered request and its latency to the head.
    public func recordRequest(kind: String, status: Int, seconds: Double) {
        let key = RequestKey(kind: kind, statusClass: "\(max(1, min(5, status / 100)))xx")
        let bucket = Self.latencyBuckets.firstIndex { seconds <= $0 } ?? Self.latencyBuckets.count
        state.withLock {
            $0.requests[key, default: 0] += 1
            $0.latencyCounts[bucket] += 1
            $0.latencySum += seconds
        }
    }

    /// Counts a host lost.
    public func recordFailover() { state.withLock { $0.failovers += 1 } }
    /// Counts a re-sent attempt.
    public func recordRetry() { state.withLock { $0.retries += 1 } }
    /// Counts a host connection.
    public func recordHostConnection() { state.withLock { $0.hostConnections += 1 } }
}
