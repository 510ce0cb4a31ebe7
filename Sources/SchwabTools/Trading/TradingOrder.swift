import EdgeCore
import MCP

/// One order as the tools send it: the OrderRequest body taken from a tool's arguments, checked
/// for the shape its strategy needs, with its legs at hand for the summary and the limits.
///
/// Pure. The body holds only OrderRequest members, never the account, the confirmation id or
/// anything else the tool takes, so what is previewed, confirmed and sent is one value.
public struct TradingOrder: Sendable, Equatable {
    /// One leg: an instruction on a quantity of one instrument.
    public struct Leg: Sendable, Equatable {
        /// BUY, SELL, BUY_TO_OPEN, ...
        public var instruction: String
        /// Shares or contracts.
        public var quantity: Double
        /// Ticker or OCC option symbol.
        public var symbol: String
        /// EQUITY, OPTION, ...
        public var assetType: String
        /// Shares per unit: 100 for an option contract, 1 otherwise.
        public var multiplier: Double { assetType == "OPTION" ? 100 : 1 }
        /// Whether the leg buys.
        public var isBuy: Bool { instruction.hasPrefix("BUY") }
    }

    /// The OrderRequest JSON sent to Schwab.
    public var body: JSONValue
    /// SINGLE, OCO, TRIGGER, ...
    public var strategy: String
    /// MARKET, LIMIT, ... (nil for an OCO, which only groups its children).
    public var orderType: String?
    /// The limit (or net) price, when set.
    public var price: Double?
    /// The stop trigger price, when set.
    public var stopPrice: Double?
    /// DAY, GOOD_TILL_CANCEL, ...
    public var duration: String?
    /// NORMAL, AM, PM, SEAMLESS.
    public var session: String?
    /// The legs of this order (empty for an OCO).
    public var legs: [Leg]
    /// The child orders (OCO sides, TRIGGER follow-ups).
    public var children: [TradingOrder]

    /// The order in `arguments`: the OrderRequest members only, checked for the shape their
    /// strategy needs. Every problem is listed in the error.
    public static func parse(_ arguments: ToolArguments) throws(TradingError) -> TradingOrder {
        let members = OrderSchema.memberNames
        let body = OrderSchema.requestBody(.object(arguments.values.filter { members.contains($0.0) }))
        var problems: [String] = []
        let order = parse(body, path: "", problems: &problems)
        guard problems.isEmpty else {
            throw TradingError(.invalidOrder, "The order is not complete: " + problems.joined(separator: "; "))
        }
        return order
    }

    static func parse(_ json: JSONValue, path: String, problems: inout [String]) -> TradingOrder {
        let strategy = json["orderStrategyType"]?.stringValue ?? ""
        var order = TradingOrder(
            body: json, strategy: strategy, orderType: json["orderType"]?.stringValue,
            price: json["price"]?.doubleValue, stopPrice: json["stopPrice"]?.doubleValue,
            duration: json["duration"]?.stringValue, session: json["session"]?.stringValue, legs: [], children: [])
        for (index, child) in (json["childOrderStrategies"]?.arrayValue ?? []).enumerated() {
            order.children.append(parse(child, path: "\(path)childOrderStrategies[\(index)].", problems: &problems))
        }
        if strategy == "OCO" {
            if order.children.count != 2 {
                problems.append("\(path)an OCO order needs exactly two childOrderStrategies")
            }
            if json["orderLegCollection"] != nil { problems.append("\(path)an OCO order has no orderLegCollection") }
            return order
        }
        if strategy == "TRIGGER" && order.children.isEmpty {
            problems.append("\(path)a TRIGGER order needs childOrderStrategies")
        }
        if strategy != "TRIGGER" && !order.children.isEmpty {
            problems.append("\(path)only OCO and TRIGGER orders take childOrderStrategies")
        }
        for key in ["session", "duration", "orderType"] where json[key] == nil {
            problems.append("\(path)\(key) is required")
        }
        switch order.orderType {
        case "LIMIT", "STOP_LIMIT", "NET_DEBIT", "NET_CREDIT", "LIMIT_ON_CLOSE", "TRAILING_STOP_LIMIT":
            if (order.price ?? 0) <= 0 {
                problems.append("\(path)price above zero is required for \(order.orderType!)")
            }
        case "MARKET":
            if order.price != nil { problems.append("\(path)price must not be set on a MARKET order") }
        default: break
        }
        if order.orderType == "STOP" || order.orderType == "STOP_LIMIT", (order.stopPrice ?? 0) <= 0 {
            problems.append("\(path)stopPrice above zero is required for \(order.orderType!)")
        }
        let legs = json["orderLegCollection"]?.arrayValue ?? []
        if legs.isEmpty { problems.append("\(path)orderLegCollection needs at least one leg") }
        for (index, leg) in legs.enumerated() {
            let quantity = leg["quantity"]?.doubleValue ?? 0
            if !(quantity > 0) || !quantity.isFinite {
                problems.append("\(path)orderLegCollection[\(index)].quantity must be greater than zero")
            }
            order.legs.append(
                Leg(
                    instruction: leg["instruction"]?.stringValue ?? "", quantity: quantity,
                    symbol: (leg["instrument"]?["symbol"]?.stringValue ?? "").uppercased(),
                    assetType: leg["instrument"]?["assetType"]?.stringValue ?? ""))
        }
        return order
    }

    /// Every leg of this order and its children.
    public var allLegs: [Leg] { legs + children.flatMap(\.allLegs) }

    /// The body in one canonical text: object members sorted by name, numbers written as
    /// doubles, so `10` and `10.0` or reordered members are the same order.
    public var canonicalText: String { Self.canonical(body) }

    /// The canonical text of any JSON value (see `canonicalText`).
    public static func canonical(_ value: JSONValue) -> String {
        switch value {
        case .null, .bool, .string: return value.jsonText
        case .int(let number): return JSONValue.double(Double(number)).jsonText
        case .double: return value.jsonText
        case .array(let items): return "[" + items.map(canonical).joined(separator: ",") + "]"
        case .object(let members):
            let sorted = members.sorted { $0.0 < $1.0 }
            return "{" + sorted.map { JSONValue.string($0.0).jsonText + ":" + canonical($0.1) }.joined(separator: ",")
                + "}"
        }
    }
}
