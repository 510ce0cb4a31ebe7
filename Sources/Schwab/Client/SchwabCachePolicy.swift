/// Whether a request's successful answer may be served from the client's cache, and for how long.
///
/// The caller chooses per endpoint, because only it knows how fresh the data must be: quotes a
/// few seconds, instruments and market hours minutes to hours. Trader data (balances, positions,
/// orders, transactions) should stay `.none`: a stale balance or order status misleads the user.
/// Only successful GETs are ever cached, whatever the policy says.
public enum SchwabCachePolicy: Sendable, Hashable {
    /// Always ask Schwab (the default).
    case none
    /// Reuse a successful answer for this many seconds (0 or less means no caching).
    case ttl(seconds: Int)

    /// The lifetime in seconds, or nil when nothing may be cached.
    public var seconds: Int? {
        switch self {
        case .none: nil
        case .ttl(let seconds): seconds > 0 ? seconds : nil
        }
    }
}
