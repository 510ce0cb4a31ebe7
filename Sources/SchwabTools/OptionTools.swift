import EdgeCore
import MCP
import Schwab

/// getOptionChain and getOptionExpirationChain (Market Data API). Unlike the seed, the chain
/// forwards every parameter the API has. Chains are cached 5 seconds (they move with the
/// underlying), expiration lists 5 minutes.
enum OptionTools {
    static let all = [getOptionChain, getOptionExpirationChain]

    static let chainSeconds = 5
    static let expirationSeconds = 300

    static let datePattern = #"^\d{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])$"#

    /// An ISO-8601 time for a date parameter: its date as written (the original server passed
    /// any text through; Schwab wants the date alone).
    static let dayOfTimestamp = AcceptedForm(
        words: "an ISO-8601 time (its date is used)",
        schema: { _ in
            .object([("type", "string"), ("pattern", .string(TraderTimestamp.pattern)), ("format", "date-time")])
        },
        convert: { value, _ in
            guard case .string(let text) = value, text.count > 10,
                TraderTimestamp.epochMillis(text, endOfDay: false) != nil
            else { return nil }
            return .string(String(text.prefix(10)))
        })

    /// The chain's query parameters, in the spec's order ([M] GET /chains).
    static let chainParameters: [ToolParameter] = [
        .string("symbol", description: "The underlying symbol, e.g. AAPL or $SPX.", minLength: 1, maxLength: 64),
        .string("contractType", description: "Calls, puts or both.", required: false, enum: ["CALL", "PUT", "ALL"]),
        .integer(
            "strikeCount", description: "How many strikes above and below the at-the-money price.",
            required: false, minimum: 1, maximum: 500),
        .boolean("includeUnderlyingQuote", description: "Include the underlying's quote.", required: false),
        .string(
            "strategy",
            description: "The chain strategy (default SINGLE). ANALYTICAL uses volatility, underlyingPrice, "
                + "interestRate and daysToExpiration to compute theoretical values; spread strategies use interval.",
            required: false,
            enum: [
                "SINGLE", "ANALYTICAL", "COVERED", "VERTICAL", "CALENDAR", "STRANGLE", "STRADDLE", "BUTTERFLY",
                "CONDOR", "DIAGONAL", "COLLAR", "ROLL",
            ]),
        .number("interval", description: "Strike interval for spread strategy chains.", required: false, minimum: 0),
        .number("strike", description: "Only this strike price.", required: false, minimum: 0),
        .string(
            "range",
            description: "Which strikes relative to the money: ITM, NTM, OTM, SAK (strikes above market), SBK "
                + "(below market), SNK (near market) or ALL.",
            required: false, minLength: 2, maxLength: 8),
        ToolParameter.string(
            "fromDate", description: "Expirations on or after this date, yyyy-MM-dd.", required: false,
            pattern: datePattern, format: "date"
        ).accepting(dayOfTimestamp),
        ToolParameter.string(
            "toDate", description: "Expirations on or before this date, yyyy-MM-dd.", required: false,
            pattern: datePattern, format: "date"
        ).accepting(dayOfTimestamp),
        .number(
            "volatility", description: "Volatility for ANALYTICAL calculations (percent).", required: false,
            minimum: 0),
        .number(
            "underlyingPrice", description: "Underlying price for ANALYTICAL calculations.", required: false,
            minimum: 0),
        .number("interestRate", description: "Interest rate for ANALYTICAL calculations (percent).", required: false),
        .integer(
            "daysToExpiration", description: "Days to expiration for ANALYTICAL calculations.", required: false,
            minimum: 0),
        .string(
            "expMonth", description: "Only this expiration month.", required: false,
            enum: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC", "ALL"]),
        .string(
            "optionType", description: "Option type: S (standard), NS (non-standard) or ALL.", required: false,
            minLength: 1, maxLength: 8),
        .string(
            "entitlement",
            description: "For retail tokens: PP (paying pro), NP (non-pro) or PN (non-paying pro).",
            required: false, enum: ["PN", "NP", "PP"]),
    ]

    static let getOptionChain = SchwabTool(
        "getOptionChain", title: "Option chain",
        description: "The option chain of an underlying: calls and puts keyed by expiration (\"2025-06-20:30\") "
            + "then strike, with prices, greeks and open interest. Narrow it with contractType, strikeCount, "
            + "range, strike, fromDate/toDate or expMonth.",
        input: chainParameters, readsAccounts: false
    ) { call throws(SchwabToolFailure) in
        let response = try await call.send(
            SchwabRequest(
                .get, .marketData, "/chains", query: call.query(chainParameters.map(\.name)),
                cache: .ttl(seconds: chainSeconds)))
        return response.json.asObject(wrapping: "chain")
    }

    static let getOptionExpirationChain = SchwabTool(
        "getOptionExpirationChain", title: "Option expirations",
        description: "The option expiration dates of an underlying, with days to expiration and type "
            + "(W weekly, M monthly, Q quarterly, S special).",
        input: [.string("symbol", description: "The underlying symbol.", minLength: 1, maxLength: 64)],
        readsAccounts: false
    ) { call throws(SchwabToolFailure) in
        let response = try await call.send(
            SchwabRequest(
                .get, .marketData, "/expirationchain", query: call.query(["symbol"]),
                cache: .ttl(seconds: expirationSeconds)))
        return response.json.asObject(wrapping: "expirationChain")
    }
}
