import EdgeCore
import MCP
import Schwab

/// searchInstruments and getInstrumentByCusip (Market Data API), cached 5 minutes: an
/// instrument's description and fundamentals change at most daily.
enum InstrumentTools {
    static let all = [searchInstruments, getInstrumentByCusip]

    /// How long an instrument answer is reused, in seconds.
    static let cacheSeconds = 300

    static let searchInstruments = SchwabTool(
        "searchInstruments", title: "Search instruments",
        description: "Finds instruments by symbol or description. projection: symbol-search (exact symbol), "
            + "symbol-regex, desc-search (words of the description), desc-regex, search, or fundamental "
            + "(the symbol's fundamentals).",
        input: [
            .string(
                "symbol", description: "The symbol, words or regular expression to search.", minLength: 1,
                maxLength: 200),
            .string(
                "projection", description: "How to search.",
                enum: ["symbol-search", "symbol-regex", "desc-search", "desc-regex", "search", "fundamental"]),
        ],
        output: SchwabTool.list("instruments", description: "Schwab's InstrumentResponse objects."),
        readsAccounts: false
    ) { call throws(SchwabToolFailure) in
        let response = try await call.send(
            SchwabRequest(
                .get, .marketData, "/instruments", query: call.query(["symbol", "projection"]),
                cache: .ttl(seconds: cacheSeconds)))
        let items = response.json["instruments"]?.arrayItems ?? response.json.arrayItems
        return .object([("instruments", .array(items))])
    }

    static let getInstrumentByCusip = SchwabTool(
        "getInstrumentByCusip", title: "Instrument by CUSIP",
        description: "The instrument with this CUSIP: symbol, description, exchange, asset type.",
        input: [
            .string("cusip_id", description: "The 9-character CUSIP, e.g. 037833100.", minLength: 1, maxLength: 12)
        ],
        readsAccounts: false
    ) { call throws(SchwabToolFailure) in
        let cusip = call.arguments.string("cusip_id") ?? ""
        let response = try await call.send(
            SchwabRequest(
                .get, .marketData, "/instruments/\(SchwabURL.segment(cusip))", cache: .ttl(seconds: cacheSeconds)))
        // A bare InstrumentResponse per the spec, or an {instruments:[…]} wrapper (both are seen).
        if let first = response.json["instruments"]?.arrayItems.first { return first.asObject(wrapping: "instrument") }
        return response.json.asObject(wrapping: "instrument")
    }
}
