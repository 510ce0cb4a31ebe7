import MCP

/// The order a tool takes, as Schwab's OrderRequest (Trader API components/schemas/OrderRequest)
/// with the API's enums, so a client shows the choices and a typo is refused before anything runs.
///
/// Only `orderStrategyType` is required by the schema: an OCO order has nothing but its two
/// `childOrderStrategies`. `TradingOrder.parse` checks the rest per strategy. Children nest two
/// levels deep, enough for a bracket (a TRIGGER whose child is an OCO of two orders).
public enum OrderSchema {
    /// `session` (components/schemas/session).
    public static let sessions = ["NORMAL", "AM", "PM", "SEAMLESS"]
    /// `duration` (components/schemas/duration), without UNKNOWN, which cannot be ordered.
    public static let durations = [
        "DAY", "GOOD_TILL_CANCEL", "FILL_OR_KILL", "IMMEDIATE_OR_CANCEL", "END_OF_WEEK", "END_OF_MONTH",
        "NEXT_END_OF_MONTH",
    ]
    /// `orderType` of a request (components/schemas/orderTypeRequest).
    public static let orderTypes = [
        "MARKET", "LIMIT", "STOP", "STOP_LIMIT", "TRAILING_STOP", "CABINET", "NON_MARKETABLE", "MARKET_ON_CLOSE",
        "EXERCISE", "TRAILING_STOP_LIMIT", "NET_DEBIT", "NET_CREDIT", "NET_ZERO", "LIMIT_ON_CLOSE",
    ]
    /// `orderStrategyType` (components/schemas/orderStrategyType).
    public static let strategies = [
        "SINGLE", "CANCEL", "RECALL", "PAIR", "FLATTEN", "TWO_DAY_SWAP", "BLAST_ALL", "OCO", "TRIGGER",
    ]
    /// `complexOrderStrategyType` (components/schemas/complexOrderStrategyType).
    public static let complexStrategies = [
        "NONE", "COVERED", "VERTICAL", "BACK_RATIO", "CALENDAR", "DIAGONAL", "STRADDLE", "STRANGLE", "COLLAR_SYNTHETIC",
        "BUTTERFLY", "CONDOR", "IRON_CONDOR", "VERTICAL_ROLL", "COLLAR_WITH_STOCK", "DOUBLE_DIAGONAL",
        "UNBALANCED_BUTTERFLY", "UNBALANCED_CONDOR", "UNBALANCED_IRON_CONDOR", "UNBALANCED_VERTICAL_ROLL",
        "MUTUAL_FUND_SWAP", "CUSTOM",
    ]
    /// `instruction` (components/schemas/instruction).
    public static let instructions = [
        "BUY", "SELL", "BUY_TO_COVER", "SELL_SHORT", "BUY_TO_OPEN", "BUY_TO_CLOSE", "SELL_TO_OPEN", "SELL_TO_CLOSE",
        "EXCHANGE", "SELL_SHORT_EXEMPT",
    ]
    /// The instrument kinds an order leg can carry (components/schemas/AccountsInstrument discriminator).
    public static let instrumentAssetTypes = ["EQUITY", "OPTION", "MUTUAL_FUND", "FIXED_INCOME", "CASH_EQUIVALENT"]
    /// The order-request members the tools pass on to Schwab, in schema order.
    public static var memberNames: [String] { members(depth: 0).map(\.name) }

    /// The order members at the top level of a tool's arguments.
    public static var parameters: [ToolParameter] { members(depth: 0) }

    static func members(depth: Int) -> [ToolParameter] {
        var list: [ToolParameter] = [
            .string(
                "orderStrategyType",
                description: "SINGLE for one order; OCO (one cancels other) with two "
                    + "childOrderStrategies; TRIGGER: this order, then its childOrderStrategies once it fills.",
                enum: strategies),
            .string(
                "session", description: "Trading session: NORMAL (regular hours), AM, PM or SEAMLESS.",
                required: false, enum: sessions),
            .string("duration", description: "How long the order stays open.", required: false, enum: durations),
            .string(
                "orderType",
                description: "MARKET, LIMIT (needs price), STOP (needs stopPrice), STOP_LIMIT (both); "
                    + "NET_DEBIT/NET_CREDIT/NET_ZERO for multi-leg option spreads.",
                required: false, enum: orderTypes),
            .number(
                "price",
                description: "Limit price per share or per contract (options: per share of the "
                    + "contract, as quoted).", required: false, minimum: 0),
            .number("stopPrice", description: "Stop trigger price.", required: false, minimum: 0),
            .string(
                "complexOrderStrategyType", description: "Spread type for multi-leg option orders; NONE otherwise.",
                required: false, enum: complexStrategies),
            .string(
                "stopType", description: "Which price triggers a stop.", required: false,
                enum: ["STANDARD", "BID", "ASK", "LAST", "MARK"]),
            .string(
                "specialInstruction", required: false,
                enum: ["ALL_OR_NONE", "DO_NOT_REDUCE", "ALL_OR_NONE_DO_NOT_REDUCE"]),
            .string(
                "taxLotMethod", required: false,
                enum: ["FIFO", "LIFO", "HIGH_COST", "LOW_COST", "AVERAGE_COST", "SPECIFIC_LOT", "LOSS_HARVESTER"]),
            .string(
                "cancelTime", description: "When to cancel the order if still open (ISO 8601 date-time).",
                required: false, format: "date-time"),
            .array(
                "orderLegCollection", of: leg, description: "The legs: one per instrument (several for spreads).",
                required: false, minItems: 1, maxItems: 4),
        ]
        if depth < 2 {
            list.append(
                .array(
                    "childOrderStrategies", of: .object(members(depth: depth + 1)),
                    description: "Orders placed with this one: the two sides of an OCO, or what a TRIGGER places.",
                    required: false, minItems: 1, maxItems: 2))
        }
        return list
    }

    static let leg: ValueSchema = .object([
        .string(
            "instruction",
            description: "BUY/SELL/SELL_SHORT/BUY_TO_COVER for equities; "
                + "BUY_TO_OPEN/SELL_TO_CLOSE/... for options.", enum: instructions),
        .number("quantity", description: "Shares, or option contracts (100 shares each).", minimum: 0),
        .object(
            "instrument",
            [
                .string(
                    "symbol", description: "Ticker, or OCC option symbol such as 'SPY   250620C00550000'.",
                    minLength: 1, maxLength: 32),
                .string("assetType", enum: instrumentAssetTypes),
            ]),
        .string("positionEffect", required: false, enum: ["OPENING", "CLOSING", "AUTOMATIC"]),
        .string("quantityType", required: false, enum: ["ALL_SHARES", "DOLLARS", "SHARES"]),
    ])
}
