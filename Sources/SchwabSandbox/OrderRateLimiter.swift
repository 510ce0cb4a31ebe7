/// Schwab's order throttle: at most `limit` order requests (place, replace, cancel) per account in
/// any 60 seconds; the next one gets 429 (reference/schwab-api.md §10, 120 a minute by default).
public struct OrderRateLimiter: Sendable {
    /// Requests allowed per window.
    public let limit: Int
    /// The window length in seconds.
    public let window: Double
    private var recent: [String: [Double]] = [:]

    /// A limiter allowing `limit` requests per `window` seconds per account.
    public init(limit: Int = 120, window: Double = 60) {
        self.limit = limit
        self.window = window
    }

    /// Counts a request for `account` at `now`; false when it is over the limit (and not counted).
    public mutating func admit(account: String, now: Double) -> Bool {
        var times = recent[account, default: []]
        times.removeAll { $0 <= now - window }
        guard times.count < limit else {
            recent[account] = times
            return false
        }
        times.append(now)
        recent[account] = times
        return true
    }
}
