import EdgeCore
import MCP
import Schwab

/// getPriceHistory (Market Data API): candles for a symbol. Unlike the seed it forwards every
/// parameter, `needExtendedHoursData` and `needPreviousClose` included. Cached a minute.
enum PriceHistoryTool {
    static let all = [getPriceHistory]

    static let cacheSeconds = 60

    /// Every query parameter of [M] GET /pricehistory.
    static let parameters: [ToolParameter] = [
        .string("symbol", description: "The symbol, e.g. AAPL.", minLength: 1, maxLength: 64),
        .string(
            "periodType", description: "The chart period unit (default day).", required: false,
            enum: ["day", "month", "year", "ytd"]),
        ToolParameter.integer(
            "period",
            description: "How many periodType units: day 1, 2, 3, 4, 5, 10 (default 10); month 1, 2, 3, 6 "
                + "(default 1); year 1, 2, 3, 5, 10, 15, 20 (default 1); ytd 1.",
            required: false, minimum: 1, maximum: 20
        ).accepting(.numericString),
        .string(
            "frequencyType",
            description: "The candle unit: day allows minute; month daily, weekly; year daily, weekly, monthly; "
                + "ytd daily, weekly.",
            required: false, enum: ["minute", "daily", "weekly", "monthly"]),
        ToolParameter.integer(
            "frequency",
            description: "Candle size in frequencyType units: minute 1, 5, 10, 15, 30; otherwise 1 (default 1).",
            required: false, minimum: 1, maximum: 30
        ).accepting(.numericString),
        ToolParameter.integer(
            "startDate",
            description: "Start, in milliseconds since the epoch (e.g. 1451624400000), or a date 2016-01-01 or "
                + "ISO-8601 time (UTC unless it names its zone). Default: endDate minus the period.",
            required: false, minimum: 0
        ).accepting(timestampForm),
        ToolParameter.integer(
            "endDate",
            description: "End, in the same forms. Default: the previous business day's close.", required: false,
            minimum: 0
        ).accepting(timestampForm),
        .boolean("needExtendedHoursData", description: "Include extended-hours candles.", required: false),
        .boolean("needPreviousClose", description: "Include the previous close price and date.", required: false),
    ]

    /// A date or ISO-8601 time for an epoch-milliseconds parameter (a date is its UTC midnight,
    /// as the original server took `YYYY-MM-DD`).
    static let timestampForm = AcceptedForm(
        words: "a date or ISO-8601 time",
        schema: { _ in
            .object([("type", "string"), ("pattern", .string(TraderTimestamp.pattern)), ("format", "date-time")])
        },
        convert: { value, _ in
            guard case .string(let text) = value else { return nil }
            return TraderTimestamp.epochMillis(text, endOfDay: false).map(JSONValue.int)
        })

    /// Periods each period type allows ([M]).
    static let periods: [String: [Int]] = [
        "day": [1, 2, 3, 4, 5, 10], "month": [1, 2, 3, 6], "year": [1, 2, 3, 5, 10, 15, 20], "ytd": [1],
    ]

    static let getPriceHistory = SchwabTool(
        "getPriceHistory", title: "Price history",
        description: "Open, high, low, close and volume candles of a symbol over a period, optionally with "
            + "extended hours and the previous close.",
        input: parameters, readsAccounts: false
    ) { call throws(SchwabToolFailure) in
        if let period = call.arguments.int("period") {
            let type = call.arguments.string("periodType") ?? "day"
            if let allowed = periods[type], !allowed.contains(period) {
                throw .input(
                    field: "period",
                    message: "for periodType \(type) expected one of "
                        + allowed.map(String.init).joined(separator: ", ") + ", received \(period)")
            }
        }
        if let frequency = call.arguments.int("frequency"), ![1, 5, 10, 15, 30].contains(frequency) {
            throw .input(field: "frequency", message: "expected one of 1, 5, 10, 15, 30, received \(frequency)")
        }
        let response = try await call.send(
            SchwabRequest(
                .get, .marketData, "/pricehistory", query: call.query(parameters.map(\.name)),
                cache: .ttl(seconds: cacheSeconds)))
        return response.json.asObject(wrapping: "priceHistory")
    }
}
