import EdgeCore
import MCP
import Schwab

/// getQuotes and getQuoteBySymbolId (Market Data API), cached 5 seconds per user: quotes move,
/// but a model asking twice in a row needs no second round trip.
enum QuoteTools {
    static let all = [getQuotes, getQuoteBySymbolId]

    /// How long a quote is reused, in seconds.
    static let cacheSeconds = 5

    /// `fields` of the quote calls ([M]): root nodes of each quote; leave out (or `all`) for all.
    static let fields = ToolParameter(
        "fields",
        .array(
            of: .string(enum: ["quote", "fundamental", "extended", "reference", "regular", "all"]),
            description: "Which parts of each quote to return; leave out, or all, for every part.", minItems: 1,
            maxItems: 6
        ).accepting(.commaSeparated), required: false)

    /// The query of `fields`: nothing when all parts are wanted (Schwab's default).
    static func fieldsQuery(_ call: SchwabToolCall) -> [(String, String)] {
        let wanted = call.arguments["fields"]?.arrayItems.compactMap(\.stringValue) ?? []
        return wanted.contains("all") ? [] : call.query(["fields"])
    }

    static let getQuotes = SchwabTool(
        "getQuotes", title: "Quotes",
        description: "Quotes for one or more symbols (equities, ETFs, indexes like $SPX, options in OCC form "
            + "such as \"SPY   250620C00550000\", futures, forex, mutual funds), keyed by symbol. Invalid "
            + "symbols are listed under \"errors\".",
        input: [
            ToolParameter(
                "symbols",
                .array(
                    of: .string(minLength: 1, maxLength: 64),
                    description: "The symbols to quote: an array, or one "
                        + "string of comma-separated symbols (\"AAPL,MSFT\").", minItems: 1, maxItems: 500
                ).accepting(.commaSeparated)),
            fields,
            .boolean(
                "indicative",
                description: "Also return the indicative quote ($ABC.IV) of each ETF symbol.", required: false),
        ],
        readsAccounts: false
    ) { call throws(SchwabToolFailure) in
        let response = try await call.send(
            SchwabRequest(
                .get, .marketData, "/quotes",
                query: call.query(["symbols"]) + fieldsQuery(call) + call.query(["indicative"]),
                cache: .ttl(seconds: cacheSeconds)))
        return response.json.asObject(wrapping: "quotes")
    }

    static let getQuoteBySymbolId = SchwabTool(
        "getQuoteBySymbolId", title: "Quote",
        description: "The quote of one symbol, keyed by the symbol.",
        input: [
            .string("symbol_id", description: "The symbol, e.g. AAPL or $SPX.", minLength: 1, maxLength: 64), fields,
        ],
        readsAccounts: false
    ) { call throws(SchwabToolFailure) in
        let symbol = call.arguments.string("symbol_id") ?? ""
        let response = try await call.send(
            SchwabRequest(
                .get, .marketData, "/\(SchwabURL.segment(symbol))/quotes", query: fieldsQuery(call),
                cache: .ttl(seconds: cacheSeconds)))
        return response.json.asObject(wrapping: "quotes")
    }
}
