import EdgeCore
import MCP
import Schwab

/// getMarketHours, getMarketHoursByMarketId and getMovers (Market Data API). Hours are cached 5
/// minutes (they change once a day), movers a minute.
enum MarketInfoTools {
    static let all = [getMarketHours, getMarketHoursByMarketId, getMovers]

    static let markets = ["equity", "option", "bond", "future", "forex"]
    static let hoursSeconds = 300
    static let moversSeconds = 60

    /// `date` of the hours calls: YYYY-MM-DD, today up to a year ahead (the seed sent a full
    /// timestamp here; the spec wants a date).
    static let date = ToolParameter.string(
        "date", description: "The day, YYYY-MM-DD, from today up to one year ahead. Default: today.",
        required: false, pattern: #"^\d{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])$"#, format: "date")

    static let getMarketHours = SchwabTool(
        "getMarketHours", title: "Market hours",
        description: "Opening hours (pre-market, regular, post-market sessions) of one or more markets on a "
            + "day, keyed by market then product.",
        input: [
            ToolParameter(
                "markets",
                .array(
                    of: .string(enum: markets),
                    description: "The markets: an array, one market, or a comma-separated "
                        + "list.", minItems: 1, maxItems: 5
                ).accepting(.commaSeparated)),
            date,
        ],
        readsAccounts: false
    ) { call throws(SchwabToolFailure) in
        var seen: [String] = []
        for market in call.arguments["markets"]?.arrayItems.compactMap(\.stringValue) ?? [] where !seen.contains(market)
        {
            seen.append(market)
        }
        let response = try await call.send(
            SchwabRequest(
                .get, .marketData, "/markets",
                query: [("markets", seen.joined(separator: ","))] + call.query(["date"]),
                cache: .ttl(seconds: hoursSeconds)))
        return response.json.asObject(wrapping: "hours")
    }

    static let getMarketHoursByMarketId = SchwabTool(
        "getMarketHoursByMarketId", title: "Market hours (one market)",
        description: "Opening hours of one market on a day, keyed by market then product.",
        input: [.string("market_id", description: "The market.", enum: markets), date], readsAccounts: false
    ) { call throws(SchwabToolFailure) in
        let market = call.arguments.string("market_id") ?? ""
        let response = try await call.send(
            SchwabRequest(
                .get, .marketData, "/markets/\(market)", query: call.query(["date"]),
                cache: .ttl(seconds: hoursSeconds)))
        return response.json.asObject(wrapping: "hours")
    }

    /// The `frequency` values Schwab accepts for movers.
    static let moverFrequencies = [0, 1, 5, 10, 30, 60]

    static let getMovers = SchwabTool(
        "getMovers", title: "Movers",
        description: "The top movers of an index or market, sorted by volume, trades or percent change.",
        input: [
            .string(
                "symbol_id", description: "The index or market.",
                enum: [
                    "$DJI", "$COMPX", "$SPX", "NYSE", "NASDAQ", "OTCBB", "INDEX_ALL", "EQUITY_ALL", "OPTION_ALL",
                    "OPTION_PUT", "OPTION_CALL",
                ]),
            ToolParameter.string(
                "sort", description: "What to sort by.", required: false,
                enum: ["VOLUME", "TRADES", "PERCENT_CHANGE_UP", "PERCENT_CHANGE_DOWN"]
            ).accepting(
                .aliases(
                    [("up", "PERCENT_CHANGE_UP"), ("down", "PERCENT_CHANGE_DOWN")],
                    description: "The original server's directions: up is PERCENT_CHANGE_UP, down PERCENT_CHANGE_DOWN.")
            ),
            .integer(
                "frequency",
                description: "Only movers whose change is at least this percent: one of 0, 1, 5, 10, 30, 60.",
                required: false, default: 0, minimum: 0, maximum: 60),
        ],
        output: SchwabTool.list("screeners", description: "Schwab's Screener objects."), readsAccounts: false
    ) { call throws(SchwabToolFailure) in
        if let frequency = call.arguments.int("frequency"), !moverFrequencies.contains(frequency) {
            throw .input(
                field: "frequency", message: "expected one of 0, 1, 5, 10, 30, 60, received \(frequency)")
        }
        let index = call.arguments.string("symbol_id") ?? ""
        let response = try await call.send(
            SchwabRequest(
                .get, .marketData, "/movers/\(SchwabURL.segment(index))", query: call.query(["sort", "frequency"]),
                cache: .ttl(seconds: moversSeconds)))
        let screeners = response.json["screeners"]?.arrayItems ?? response.json.arrayItems
        return .object([("screeners", .array(screeners))])
    }
}
