import EdgeCore

/// A validated order request: what the order engine works with.
///
/// Built from Schwab's OrderRequest JSON ([T] components/schemas/OrderRequest) by
/// `OrderTicket.parse`, which answers 400 with a ServiceError listing every problem it found.
struct OrderTicket: Sendable, Equatable {
    /// `NORMAL`, `AM`, `PM` or `SEAMLESS`.
    var session: String
    /// `DAY`, `GOOD_TILL_CANCEL`, ...
    var duration: String
    /// `MARKET`, `LIMIT`, `STOP`, `STOP_LIMIT`, `TRAILING_STOP`, `MARKET_ON_CLOSE`,
    /// `LIMIT_ON_CLOSE` or a spread's NET type (what the sandbox simulates).
    var orderType: String
    /// `SINGLE`, `OCO` or `TRIGGER`.
    var strategy: String
    /// The limit price, for LIMIT and STOP_LIMIT.
    var price: Double?
    /// The trigger price, for STOP and STOP_LIMIT.
    var stopPrice: Double?
    /// The legs (one per instrument).
    var legs: [Leg]
    /// Child orders of an OCO (both) or a TRIGGER (placed when the parent fills).
    var children: [OrderTicket]
    /// `complexOrderStrategyType`: NONE for one leg, VERTICAL, STRADDLE, ... for spreads.
    var complexStrategy = "NONE"
    /// How a TRAILING_STOP's stop follows the market.
    var trail: Trail? = nil

    /// True for the orders that execute only in the closing auction.
    var isOnClose: Bool { ["MARKET_ON_CLOSE", "LIMIT_ON_CLOSE"].contains(orderType) }

    /// True for a spread: several legs priced as one net debit or credit.
    var isNet: Bool { OrderTicket.netOrderTypes.contains(orderType) }

    /// One leg: an instruction on a quantity of one instrument.
    struct Leg: Sendable, Equatable {
        var instruction: String
        var quantity: Double
        var symbol: String
        var assetType: String
        /// The parsed OCC symbol when `assetType` is OPTION.
        var option: OptionSymbol?

        /// True for instructions that buy (BUY, BUY_TO_COVER, BUY_TO_OPEN, BUY_TO_CLOSE).
        var isBuy: Bool { instruction.hasPrefix("BUY") }
        /// Shares per contract: 100 for options, 1 for equities.
        var multiplier: Double { assetType == "OPTION" ? 100 : 1 }
    }

    static let sessions: Set<String> = ["NORMAL", "AM", "PM", "SEAMLESS"]
    static let durations: Set<String> = [
        "DAY", "GOOD_TILL_CANCEL", "FILL_OR_KILL", "IMMEDIATE_OR_CANCEL", "END_OF_WEEK", "END_OF_MONTH",
        "NEXT_END_OF_MONTH", "UNKNOWN",
    ]
    static let requestOrderTypes: Set<String> = [
        "MARKET", "LIMIT", "STOP", "STOP_LIMIT", "TRAILING_STOP", "CABINET", "NON_MARKETABLE", "MARKET_ON_CLOSE",
        "EXERCISE", "TRAILING_STOP_LIMIT", "NET_DEBIT", "NET_CREDIT", "NET_ZERO", "LIMIT_ON_CLOSE",
    ]
    static let netOrderTypes: Set<String> = ["NET_DEBIT", "NET_CREDIT", "NET_ZERO"]
    static let simulatedOrderTypes = Set([
        "MARKET", "LIMIT", "STOP", "STOP_LIMIT", "TRAILING_STOP", "MARKET_ON_CLOSE", "LIMIT_ON_CLOSE",
    ]).union(netOrderTypes)
    static let complexStrategies: Set<String> = [
        "NONE", "COVERED", "VERTICAL", "BACK_RATIO", "CALENDAR", "DIAGONAL", "STRADDLE", "STRANGLE", "COLLAR_SYNTHETIC",
        "BUTTERFLY", "CONDOR", "IRON_CONDOR", "VERTICAL_ROLL", "COLLAR_WITH_STOCK", "DOUBLE_DIAGONAL",
        "UNBALANCED_BUTTERFLY", "UNBALANCED_CONDOR", "UNBALANCED_IRON_CONDOR", "UNBALANCED_VERTICAL_ROLL",
        "MUTUAL_FUND_SWAP", "CUSTOM",
    ]
    static let strategies: Set<String> = [
        "SINGLE", "CANCEL", "RECALL", "PAIR", "FLATTEN", "TWO_DAY_SWAP", "BLAST_ALL", "OCO", "TRIGGER",
    ]
    static let equityInstructions: Set<String> = ["BUY", "SELL", "BUY_TO_COVER", "SELL_SHORT", "SELL_SHORT_EXEMPT"]
    static let optionInstructions: Set<String> = ["BUY_TO_OPEN", "BUY_TO_CLOSE", "SELL_TO_OPEN", "SELL_TO_CLOSE"]
    static let allInstructions: Set<String> = equityInstructions.union(optionInstructions).union(["EXCHANGE"])

    /// Validates an OrderRequest body at time `now`; every problem found is listed in the error.
    static func parse(_ json: JSONValue, now: Double) throws(SandboxError) -> OrderTicket {
        var problems: [String] = []
        let ticket = parse(json, now: now, path: "", problems: &problems)
        guard let ticket, problems.isEmpty else {
            throw SandboxError.badRequest(
                "Order validation failed: \(problems.first ?? "the order is not an object")", problems)
        }
        return ticket
    }

    private static func parse(_ json: JSONValue, now: Double, path: String, problems: inout [String]) -> OrderTicket? {
        guard case .object = json else {
            problems.append("\(path)order must be a JSON object")
            return nil
        }
        func text(_ key: String) -> String? {
            guard let value = json[key] else { return nil }
            guard let s = value.stringValue else {
                problems.append("\(path)\(key) must be a string")
                return nil
            }
            return s
        }
        func check(_ key: String, _ value: String?, in allowed: Set<String>, required: Bool) {
            guard let value else {
                if required { problems.append("\(path)\(key) is required") }
                return
            }
            if !allowed.contains(value) {
                problems.append("\(path)\(key) '\(value)' is not one of \(allowed.sorted().joined(separator: ", "))")
            }
        }
        if json["requestedDestination"] != nil {
            problems.append("\(path)requestedDestination is not accepted in an order request")
        }
        let strategy = text("orderStrategyType") ?? ""
        check("orderStrategyType", strategy.isEmpty ? nil : strategy, in: strategies, required: true)
        if !strategy.isEmpty, strategies.contains(strategy), !["SINGLE", "OCO", "TRIGGER"].contains(strategy) {
            problems.append(
                "\(path)orderStrategyType \(strategy) is not simulated by the sandbox; use SINGLE, OCO or TRIGGER")
        }
        var children: [OrderTicket] = []
        if let childJSON = json["childOrderStrategies"] {
            guard let items = childJSON.arrayValue else {
                problems.append("\(path)childOrderStrategies must be an array")
                return nil
            }
            for (index, item) in items.enumerated() {
                if let child = parse(
                    item, now: now, path: "\(path)childOrderStrategies[\(index)].", problems: &problems)
                {
                    children.append(child)
                }
            }
        }
        if strategy == "OCO" {
            if children.count != 2 { problems.append("\(path)an OCO order needs exactly two childOrderStrategies") }
            return OrderTicket(
                session: "NORMAL", duration: "DAY", orderType: "MARKET", strategy: strategy, price: nil, stopPrice: nil,
                legs: [], children: children)
        }
        if strategy == "TRIGGER" && children.isEmpty {
            problems.append("\(path)a TRIGGER order needs childOrderStrategies")
        }
        if strategy == "SINGLE" && !children.isEmpty {
            problems.append("\(path)a SINGLE order cannot have childOrderStrategies")
        }
        let session = text("session")
        let duration = text("duration")
        let orderType = text("orderType")
        check("session", session, in: sessions, required: true)
        check("duration", duration, in: durations, required: true)
        check("orderType", orderType, in: requestOrderTypes, required: true)
        if let orderType, requestOrderTypes.contains(orderType), !simulatedOrderTypes.contains(orderType) {
            problems.append(
                "\(path)orderType \(orderType) is not simulated by the sandbox; use one of "
                    + simulatedOrderTypes.sorted().joined(separator: ", "))
        }
        func price(_ key: String) -> Double? {
            guard let value = json[key] else { return nil }
            guard let number = value.numberValue, number.isFinite else {
                problems.append("\(path)\(key) must be a number or a decimal string")
                return nil
            }
            if number <= 0 { problems.append("\(path)\(key) must be greater than zero") }
            return number
        }
        let limit = price("price")
        let stop = price("stopPrice")
        let complex = text("complexOrderStrategyType") ?? "NONE"
        check("complexOrderStrategyType", complex, in: complexStrategies, required: false)
        switch orderType {
        case "LIMIT" where limit == nil, "STOP_LIMIT" where limit == nil, "NET_DEBIT" where limit == nil,
            "NET_CREDIT" where limit == nil, "LIMIT_ON_CLOSE" where limit == nil:
            problems.append("\(path)price is required for a \(orderType!) order")
        case "MARKET" where limit != nil:
            problems.append("\(path)price must not be set on a MARKET order")
        default: break
        }
        if (orderType == "STOP" || orderType == "STOP_LIMIT") && stop == nil {
            problems.append("\(path)stopPrice is required for a \(orderType!) order")
        }
        let trail = orderType == "TRAILING_STOP" ? parseTrail(json, path: path, problems: &problems) : nil
        var legs: [Leg] = []
        if let legJSON = json["orderLegCollection"], let items = legJSON.arrayValue, !items.isEmpty {
            let isNet = orderType.map { netOrderTypes.contains($0) } ?? false
            if items.count > 1 && !isNet {
                problems.append("\(path)an order with several legs needs orderType NET_DEBIT, NET_CREDIT or NET_ZERO")
            }
            if items.count == 1 && isNet {
                problems.append("\(path)orderType \(orderType!) needs two or more legs")
            }
            for (index, item) in items.enumerated() {
                if let leg = parseLeg(item, now: now, path: "\(path)orderLegCollection[\(index)].", problems: &problems)
                {
                    legs.append(leg)
                }
            }
        } else {
            problems.append("\(path)orderLegCollection is required and must be a non-empty array")
        }
        return OrderTicket(
            session: session ?? "", duration: duration ?? "", orderType: orderType ?? "", strategy: strategy,
            price: limit, stopPrice: stop, legs: legs, children: children, complexStrategy: complex, trail: trail)
    }
}
