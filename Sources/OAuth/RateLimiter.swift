/// A per-key token bucket: `capacity` requests at once, refilled at `refillPerSecond`.
///
/// Pure: the caller passes the clock. Guards the auth endpoints per client IP (the rangadi fork
/// uses 15 req/min/IP; our default is 30/min with a burst of 30). Idle buckets are forgotten once
/// full, so memory stays bounded by the number of recently active addresses.
public struct RateLimiter: Sendable {
    /// The verdict for one request.
    public enum Decision: Sendable, Equatable {
        /// Go ahead.
        case allowed
        /// Refused; retry after this many whole seconds (for `Retry-After`, RFC 9110 §10.2.3).
        case limited(retryAfter: Int)
    }

    /// The bucket size.
    public let capacity: Double
    /// Tokens added per second.
    public let refillPerSecond: Double
    private var buckets: [String: (tokens: Double, updated: Double)] = [:]
    private var lastSweep = 0.0

    /// A limiter of `capacity` tokens refilled at `perMinute` tokens a minute.
    public init(capacity: Int = 30, perMinute: Int = 30) {
        self.capacity = Double(max(1, capacity))
        refillPerSecond = Double(max(1, perMinute)) / 60
    }

    /// Takes one token for `key` at time `now` (seconds).
    public mutating func take(_ key: String, now: Double) -> Decision {
        sweep(now: now)
        var bucket = buckets[key] ?? (tokens: capacity, updated: now)
        bucket.tokens = min(capacity, bucket.tokens + max(0, now - bucket.updated) * refillPerSecond)
        bucket.updated = now
        if bucket.tokens >= 1 {
            bucket.tokens -= 1
            buckets[key] = bucket
            return .allowed
        }
        buckets[key] = bucket
        let wait = (1 - bucket.tokens) / refillPerSecond
        return .limited(retryAfter: max(1, Int(wait.rounded(.up))))
    }

    /// How many keys are tracked (for tests of the sweep).
    public var trackedKeys: Int { buckets.count }

    private mutating func sweep(now: Double) {
        guard now - lastSweep >= 60 else { return }
        lastSweep = now
        let full = capacity / refillPerSecond
        buckets = buckets.filter { now - $0.value.updated < full }
    }
}
