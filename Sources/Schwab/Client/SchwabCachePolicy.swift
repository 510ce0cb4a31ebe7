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

    /// Quotes: a few seconds, enough to absorb a model asking twice in one turn.
    public static let quotes = SchwabCachePolicy.ttl(seconds: 5)
    /// Option chains, expiration chains, movers and price history: prices move, but not per call.
    public static let marketSnapshots = SchwabCachePolicy.ttl(seconds: 15)
    /// Market hours: fixed for the day; 15 minutes keeps the session open/closed flag honest.
    public static let marketHours = SchwabCachePolicy.ttl(seconds: 900)
    /// Instrument searches and CUSIP lookups: reference data that changes rarely.
    public static let instruments = SchwabCachePolicy.ttl(seconds: 3600)
    /// Account numbers and user preference (the account display map): change only when the user
    /// links an account or renames one.
    public static let accountMap = SchwabCachePolicy.ttl(seconds: 600)
}
