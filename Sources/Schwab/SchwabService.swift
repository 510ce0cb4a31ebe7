/// The two Schwab APIs a request goes to (reference/schwab-api.md): Trader (accounts, orders,
/// transactions, user preference) and Market Data (quotes, chains, history, movers, hours,
/// instruments). Each lives under its own path below the API base URL.
public enum SchwabService: String, Sendable, CaseIterable {
    /// `https://api.schwabapi.com/trader/v1`.
    case trader
    /// `https://api.schwabapi.com/marketdata/v1`.
    case marketData

    /// The path below the API base URL where this API's endpoints start.
    public var basePath: String {
        switch self {
        case .trader: "/trader/v1"
        case .marketData: "/marketdata/v1"
        }
    }
}
