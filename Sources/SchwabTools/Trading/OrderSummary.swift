import EdgeCore

/// The plain summary a person confirms: account display name, side, quantity, symbol, type,
/// limit price and estimated cost. Shown in the elicitation question, returned by previewOrder
/// and written to the audit log, so all three say the same thing.
///
/// Pure: market prices come in as `quotes`, fetched by the caller.
public struct OrderSummary: Sendable, Equatable {
    /// What the tool will do.
    public enum Action: String, Sendable {
        /// Place a new order.
        case place
        /// Replace an open order with a new one.
        case replace
        /// Cancel an open order.
        case cancel
    }

    /// What the tool will do.
    public var action: Action
    /// The account's display name (`Individual ...123`), never its number.
    public var account: String
    /// The order replaced or cancelled.
    public var orderId: String?
    /// The new order; for a cancel, the order being cancelled when Schwab showed it.
    public var order: TradingOrder?
    /// For a replace, the open order being replaced, when Schwab showed it.
    public var replacing: TradingOrder?
    /// Estimated dollars the order commits (or receives, for sells): limit price, stop price, or
    /// the quote for market orders; nil when no price is known.
    public var estimatedCost: Double?
    /// Where `estimatedCost` came from, in words.
    public var costBasis: String

    /// A summary of `action` on `order` in `account`, pricing market legs with `quotes`.
    public init(
        action: Action, account: String, orderId: String? = nil, order: TradingOrder?,
        replacing: TradingOrder? = nil, quotes: [String: OrderQuote] = [:]
    ) {
        self.action = action
        self.account = account
        self.orderId = orderId
        self.order = order
        self.replacing = replacing
        if let order {
            let (cost, basis) = Self.estimate(order, quotes: quotes)
            estimatedCost = cost
            costBasis = basis
        } else {
            estimatedCost = nil
            costBasis = "no new order"
        }
    }

    /// The symbols whose quotes the estimate needs (legs of orders without a limit or stop price).
    public static func symbolsNeedingQuotes(_ order: TradingOrder) -> [String] {
        var symbols: [String] = []
        if order.strategy != "OCO", fixedPrice(order) == nil {
            for leg in order.legs where !symbols.contains(leg.symbol) { symbols.append(leg.symbol) }
        }
        for child in order.children {
            for symbol in symbolsNeedingQuotes(child) where !symbols.contains(symbol) { symbols.append(symbol) }
        }
        return symbols
    }

    static func fixedPrice(_ order: TradingOrder) -> Double? {
        if let price = order.price { return price }
        if order.orderType == "STOP" { return order.stopPrice }
        return nil
    }

    /// TRIGGER: the order plus what it triggers; OCO: the larger side (only one can fill).
    static func estimate(_ order: TradingOrder, quotes: [String: OrderQuote]) -> (Double?, String) {
        if order.strategy == "OCO" {
            let sides = order.children.map { estimate($0, quotes: quotes) }
            guard sides.allSatisfy({ $0.0 != nil }), let most = sides.map({ $0.0! }).max() else {
                return (nil, "no price known for a side of the OCO")
            }
            return (most, "the larger side of the OCO")
        }
        var total: Double
        var basis: String
        if let price = fixedPrice(order) {
            let quantity = order.legs.map(\.quantity).max() ?? 0
            let multiplier = order.legs.map(\.multiplier).max() ?? 1
            total = price * quantity * multiplier
            basis = order.price != nil ? "limit price" : "stop price"
        } else {
            total = 0
            for leg in order.legs {
                guard let price = quotes[leg.symbol]?.price(buying: leg.isBuy) else {
                    return (nil, "no quote for \(leg.symbol)")
                }
                total += price * leg.quantity * leg.multiplier
            }
            basis = "current quote"
        }
        for child in order.children {
            let (cost, childBasis) = estimate(child, quotes: quotes)
            guard let cost else { return (nil, childBasis) }
            total += cost
            basis += " plus triggered orders"
        }
        return (total, basis)
    }

    /// The summary in plain words, one fact a line.
    public var text: String {
        var lines: [String]
        switch action {
        case .place: lines = ["Place this order in account \(account):"]
        case .replace:
            lines = ["Replace order \(orderId ?? "?") in account \(account)" + (replacing == nil ? " with:" : ":")]
            if let replacing {
                lines.append("  Now:")
                Self.describe(replacing, indent: "    ", into: &lines)
                lines.append("  With:")
            }
        case .cancel: lines = ["Cancel order \(orderId ?? "?") in account \(account)" + (order == nil ? "." : ":")]
        }
        if let order { Self.describe(order, indent: replacing == nil ? "  " : "    ", into: &lines) }
        if order != nil && action != .cancel {
            let sells = order?.allLegs.allSatisfy { !$0.isBuy } ?? false
            let word = sells ? "Estimated proceeds" : "Estimated cost"
            lines.append(
                estimatedCost.map { "\(word): \(Self.money($0)) (from the \(costBasis))" }
                    ?? "\(word): unknown (\(costBasis))")
        }
        return lines.joined(separator: "\n")
    }

    static func describe(_ order: TradingOrder, indent: String, into lines: inout [String]) {
        if order.strategy == "OCO" {
            lines.append("\(indent)One cancels the other:")
            for child in order.children { describe(child, indent: indent + "  ", into: &lines) }
            return
        }
        for leg in order.legs {
            lines.append(
                "\(indent)\(leg.instruction) \(quantity(leg.quantity)) \(leg.symbol) (\(leg.assetType)"
                    + (leg.assetType == "OPTION" ? ", 100 shares per contract)" : ")"))
        }
        var type = order.orderType ?? "?"
        if let price = order.price { type += " at \(money(price))" }
        if let stop = order.stopPrice { type += ", stop \(money(stop))" }
        lines.append("\(indent)Type: \(type), \(order.duration ?? "?"), \(order.session ?? "?") session")
        let also = executionMembers.compactMap { name in order.body[name].map { "\(name) \(plain($0))" } }
        if !also.isEmpty { lines.append("\(indent)Also: " + also.joined(separator: ", ")) }
        if !order.children.isEmpty {
            lines.append("\(indent)Once it fills, then:")
            for child in order.children { describe(child, indent: indent + "  ", into: &lines) }
        }
    }

    /// Order members that change when or how it executes beyond its type and prices: shown in
    /// the summary whenever set, so the person confirms them too.
    static let executionMembers = [
        "cancelTime", "releaseTime", "activationPrice", "stopPriceLinkBasis", "stopPriceLinkType", "stopPriceOffset",
        "priceLinkBasis", "priceLinkType", "specialInstruction",
    ]

    /// A member's value as a person reads it: text without quotes, numbers as written.
    static func plain(_ value: JSONValue) -> String { value.stringValue ?? value.jsonText }

    /// The summary as JSON, for structured results and the audit log.
    public var json: JSONValue {
        var members: [(String, JSONValue)] = [("action", .string(action.rawValue)), ("account", .string(account))]
        if let orderId { members.append(("orderId", .string(orderId))) }
        if let order { members.append(("order", Self.orderJSON(order))) }
        if let replacing { members.append(("replacing", Self.orderJSON(replacing))) }
        members.append(("estimatedCost", estimatedCost.map { .double(($0 * 100).rounded() / 100) } ?? .null))
        members.append(("costBasis", .string(costBasis)))
        members.append(("text", .string(text)))
        return .object(members)
    }

    static func orderJSON(_ order: TradingOrder) -> JSONValue {
        var members: [(String, JSONValue)] = [("strategy", .string(order.strategy))]
        if let type = order.orderType { members.append(("orderType", .string(type))) }
        if let price = order.price { members.append(("price", .double(price))) }
        if let stop = order.stopPrice { members.append(("stopPrice", .double(stop))) }
        if let duration = order.duration { members.append(("duration", .string(duration))) }
        if let session = order.session { members.append(("session", .string(session))) }
        let legs = order.legs.map { leg -> JSONValue in
            .object([
                ("side", .string(leg.instruction)), ("quantity", .double(leg.quantity)),
                ("symbol", .string(leg.symbol)), ("assetType", .string(leg.assetType)),
            ])
        }
        if !legs.isEmpty { members.append(("legs", .array(legs))) }
        if !order.children.isEmpty { members.append(("children", .array(order.children.map(orderJSON)))) }
        return .object(members)
    }

    /// `10`, `2.5`.
    static func quantity(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    /// `$4,125.00`.
    public static func money(_ value: Double) -> String {
        let cents = Int((abs(value) * 100).rounded())
        var whole = String(cents / 100)
        var grouped = ""
        while whole.count > 3 {
            grouped = "," + whole.suffix(3) + grouped
            whole = String(whole.dropLast(3))
        }
        let fraction = cents % 100
        return (value < 0 ? "-$" : "$") + whole + grouped + "." + (fraction < 10 ? "0" : "") + String(fraction)
    }
}

/// A quote's prices, as far as the estimate needs them (Market Data QuoteResponse `quote`).
public struct OrderQuote: Sendable, Equatable {
    /// Best bid.
    public var bid: Double?
    /// Best ask.
    public var ask: Double?
    /// Last trade.
    public var last: Double?

    /// Prices as given.
    public init(bid: Double? = nil, ask: Double? = nil, last: Double? = nil) {
        self.bid = bid
        self.ask = ask
        self.last = last
    }

    /// The ask for a buy and the bid for a sell (what a market order would likely pay), else the last trade.
    public func price(buying: Bool) -> Double? {
        let side = buying ? ask : bid
        if let side, side > 0 { return side }
        return last
    }

    /// The quote inside one entry of a QuoteResponse (`{"quote":{"bidPrice":…}}`).
    public init?(quoteResponseEntry entry: JSONValue) {
        guard let quote = entry["quote"] else { return nil }
        self.init(
            bid: quote["bidPrice"]?.doubleValue, ask: quote["askPrice"]?.doubleValue,
            last: quote["lastPrice"]?.doubleValue ?? quote["mark"]?.doubleValue)
    }
}
