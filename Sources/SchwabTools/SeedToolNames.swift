/// The tool names of the seed (reference/schwab-mcp-architecture.md), kept exactly so that
/// prompts written for the original keep working, plus `previewOrder`, which is ours.
public enum SeedToolNames {
    /// Tools that only read.
    public static let readOnly = [
        "status", "getAccounts", "getAccount", "getAccountNumbers", "getUserPreference", "getOrders",
        "getOrdersByAccountNumber", "getOrder", "getTransactions", "getTransaction", "getQuotes",
        "getQuoteBySymbolId", "searchInstruments", "getInstrumentByCusip", "getMarketHours",
        "getMarketHoursByMarketId", "getMovers", "getOptionChain", "getOptionExpirationChain", "getPriceHistory",
    ]
    /// Tools that place, change or cancel orders: listed only with `ENABLE_TRADING = "true"`.
    public static let trading = ["previewOrder", "placeOrder", "replaceOrder", "cancelOrder"]
}
