import EdgeCore
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
    /// `status` (components/schemas/status).
    static let statuses = [
        "AWAITING_PARENT_ORDER", "AWAITING_CONDITION", "AWAITING_STOP_CONDITION", "AWAITING_MANUAL_REVIEW",
        "ACCEPTED", "AWAITING_UR_OUT", "PENDING_ACTIVATION", "QUEUED", "WORKING", "REJECTED", "PENDING_CANCEL",
        "CANCELED", "PENDING_REPLACE", "REPLACED", "FILLED", "EXPIRED", "NEW", "AWAITING_RELEASE_TIME",
        "PENDING_ACKNOWLEDGEMENT", "PENDING_RECALL", "UNKNOWN",
    ]
    /// `stopPriceLinkBasis` and `priceLinkBasis` (components/schemas).
    static let linkBases = ["MANUAL", "BASE", "TRIGGER", "LAST", "BID", "ASK", "ASK_BID", "MARK", "AVERAGE"]
    /// `stopPriceLinkType` and `priceLinkType` (components/schemas).
    static let linkTypes = ["VALUE", "PERCENT", "TICK"]

    /// The order-request members the tools pass on to Schwab, in schema order.
    public static var memberNames: [String] { members(depth: 0).map(\.name).filter { !stateNames.contains($0) } }

    /// The order members at the top level of a tool's arguments.
    public static var parameters: [ToolParameter] { members(depth: 0) }

    /// The members of an Order as Schwab reads it back (its id, status, times, fills), which the
    /// original server required in every order it placed. Accepted so that such an order is
    /// taken as it is, and never sent: Schwab sets them.
    static let stateNames: Set<String> = [
        "orderId", "cancelable", "editable", "status", "enteredTime", "closeTime", "accountNumber", "filledQuantity",
        "remainingQuantity", "statusDescription", "orderActivityCollection", "replacingOrderCollection", "legId",
    ]

    /// `body` (an order, its children, its legs) without the members in `stateNames`: what is
    /// summarised, confirmed and sent.
    static func requestBody(_ body: JSONValue) -> JSONValue {
        guard case .object(let members) = body else { return body }
        return .object(
            members.compactMap { name, value -> (String, JSONValue)? in
                if stateNames.contains(name) { return nil }
                guard name == "childOrderStrategies" || name == "orderLegCollection", case .array(let items) = value
                else { return (name, value) }
                return (name, .array(items.map(requestBody)))
            })
    }

    /// The state members of an order (see `stateNames`), `orderId` and `accountNumber` only
    /// where the tool has no parameter of that name.
    static func stateMembers(withOrderId: Bool, withAccount: Bool) -> [ToolParameter] {
        let ignored = "Part of an order as Schwab shows it; accepted, and not sent."
        var list: [ToolParameter] = []
        if withOrderId {
            list.append(
                ToolParameter.integer("orderId", description: ignored, required: false).accepting(.numericString))
        }
        if withAccount { list.append(.string("accountNumber", description: ignored, required: false)) }
        list += [
            .boolean("cancelable", description: ignored, required: false),
            .boolean("editable", description: ignored, required: false),
            .string("status", description: ignored, required: false, enum: statuses),
            .string("enteredTime", description: ignored, required: false, format: "date-time"),
            .string("closeTime", description: ignored, required: false, format: "date-time"),
            .number("filledQuantity", description: ignored, required: false),
            .number("remainingQuantity", description: ignored, required: false),
            .string("statusDescription", description: ignored, required: false),
            .array(
                "orderActivityCollection", of: .object([], allowsOtherMembers: true), description: ignored,
                required: false),
            .array(
                "replacingOrderCollection", of: .object([], allowsOtherMembers: true), description: ignored,
                required: false),
        ]
        return list
    }

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
            .string(
                "releaseTime", description: "When to release the order to the market (ISO 8601 date-time).",
                required: false, format: "date-time"),
            .number("quantity", description: "The order's total quantity (the legs carry their own).", required: false),
            .string("destinationLinkName", description: "Where Schwab routes the order.", required: false),
            .string(
                "stopPriceLinkBasis", description: "For a trailing stop: the price the stop follows.", required: false,
                enum: linkBases),
            .string(
                "stopPriceLinkType", description: "For a trailing stop: how stopPriceOffset is measured.",
                required: false, enum: linkTypes),
            .number(
                "stopPriceOffset", description: "For a trailing stop: its distance from the basis.", required: false),
            .string(
                "priceLinkBasis", description: "For a linked limit: the price it follows.", required: false,
                enum: linkBases),
            .string(
                "priceLinkType", description: "For a linked limit: how the link is measured.", required: false,
                enum: linkTypes),
            .number("activationPrice", description: "The price that activates the order.", required: false),
            .array(
                "orderLegCollection", of: leg, description: "The legs: one per instrument (several for spreads).",
                required: false, minItems: 1, maxItems: 4),
        ]
        if depth < 2 {
            list.append(
                .array(
                    "childOrderStrategies",
                    of: .object(members(depth: depth + 1) + stateMembers(withOrderId: true, withAccount: true)),
                    description: "Orders placed with this one: the two sides of an OCO, or what a TRIGGER places.",
                    required: false, minItems: 1, maxItems: 2))
        }
        return list
    }

    static let leg: ValueSchema = .object([
        .string(
            "orderLegType", required: false,
            enum: [
                "EQUITY", "OPTION", "INDEX", "MUTUAL_FUND", "CASH_EQUIVALENT", "FIXED_INCOME", "CURRENCY",
                "COLLECTIVE_INVESTMENT",
            ]),
        .integer("legId", description: "Part of an order as Schwab shows it; accepted, and not sent.", required: false),
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
            ],
            description: "The instrument; its other AccountsInstrument members (cusip, description, putCall, "
                + "underlyingSymbol, ...) are passed on as given.", allowsOtherMembers: true),
        .string("positionEffect", required: false, enum: ["OPENING", "CLOSING", "AUTOMATIC"]),
        .string("quantityType", required: false, enum: ["ALL_SHARES", "DOLLARS", "SHARES"]),
        .string(
            "divCapGains", description: "Mutual funds: reinvest or pay out.", required: false,
            enum: ["REINVEST", "PAYOUT"]),
        .string("toSymbol", description: "Mutual fund exchanges: the fund bought.", required: false),
    ])
}
