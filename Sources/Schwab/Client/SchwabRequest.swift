import EdgeCore
import EdgeHTTP

/// One call to Schwab: method, API, path below the API's base path, query, JSON body and how long
/// its answer may be cached.
///
/// Paths carry account hashes (`/accounts/{hash}/orders`), never account numbers: Schwab's Trader
/// API takes the hash in the path (reference/schwab-api.md §3).
public struct SchwabRequest: Sendable {
    /// The HTTP method (GET reads; POST/PUT/DELETE act on orders).
    public var method: HTTPMethod
    /// Which API: Trader or Market Data.
    public var service: SchwabService
    /// The path below `service.basePath`, starting with `/`, e.g. `/accounts/accountNumbers`.
    public var path: String
    /// Query parameters in order; names and values are percent-encoded when sent.
    public var query: [(String, String)]
    /// The JSON body, for orders.
    public var body: JSONValue?
    /// Whether and how long a successful GET answer may be reused (the caller decides per endpoint).
    public var cache: SchwabCachePolicy

    /// Makes a request; GET, no body and no caching unless said otherwise.
    public init(
        _ method: HTTPMethod = .get, _ service: SchwabService, _ path: String, query: [(String, String)] = [],
        body: JSONValue? = nil, cache: SchwabCachePolicy = .none
    ) {
        self.method = method
        self.service = service
        self.path = path
        self.query = query
        self.body = body
        self.cache = cache
    }

    /// A GET: `SchwabRequest(.marketData, "/quotes", query: ...)` (Swift cannot skip the
    /// unlabeled method of the full initializer, so reads have this one).
    public init(
        _ service: SchwabService, _ path: String, query: [(String, String)] = [], cache: SchwabCachePolicy = .none
    ) {
        self.init(.get, service, path, query: query, body: nil, cache: cache)
    }

    /// Whether repeating the request cannot act twice (RFC 9110 §9.2.2): only reads are retried
    /// after a 5xx or a broken connection. Orders never are.
    public var isIdempotentRead: Bool { method == .get || method == .head }
}
