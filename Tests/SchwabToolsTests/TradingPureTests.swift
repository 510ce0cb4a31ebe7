import EdgeCore
import MCP
import Testing

@testable import SchwabTools

@Suite("Trading: settings, order summary and limits")
struct TradingPureTests {
    static func order(_ json: JSONValue) throws(TradingError) -> TradingOrder {
        guard case .object(let members) = json else { throw TradingError(.invalidOrder, "not an object") }
        return try TradingOrder.parse(ToolArguments(members))
    }

    static func equity(
        _ instruction: String = "BUY", _ quantity: Double = 10, _ symbol: String = "MSFT", type: String = "LIMIT",
        price: Double? = 412.5, stop: Double? = nil
    ) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("orderStrategyType", "SINGLE"), ("session", "NORMAL"), ("duration", "DAY"), ("orderType", .string(type)),
        ]
        if let price { members.append(("price", .double(price))) }
        if let stop { members.append(("stopPrice", .double(stop))) }
        members.append(
            (
                "orderLegCollection",
                [
                    .object([
                        ("instruction", .string(instruction)), ("quantity", .double(quantity)),
                        ("instrument", .object([("symbol", .string(symbol)), ("assetType", "EQUITY")])),
                    ])
                ]
            ))
        return .object(members)
    }

    static let option: JSONValue = [
        "orderStrategyType": "SINGLE", "session": "NORMAL", "duration": "DAY", "orderType": "LIMIT", "price": 3.2,
        "orderLegCollection": [
            [
                "instruction": "BUY_TO_OPEN", "quantity": 2,
                "instrument": ["symbol": "SPY   270115C00550000", "assetType": "OPTION"],
            ]
        ],
    ]

    @Test(
        "settings read from vars, or refused naming the variable",
        arguments: [
            ([:], "ok:false,nil,nil,nil"),
            (["ENABLE_TRADING": "true", "MAX_ORDER_QUANTITY": "50"], "ok:true,50.0,nil,nil"),
            (["ENABLE_TRADING": "false", "MAX_ORDER_NOTIONAL": " 1000 "], "ok:false,nil,1000.0,nil"),
            (["ENABLE_TRADING": "true", "ALLOWED_ASSET_TYPES": "option,EQUITY"], "ok:true,nil,nil,EQUITY|OPTION"),
            (["ENABLE_TRADING": "TRUE"], "error:ENABLE_TRADING"),
            (["ENABLE_TRADING": "yes"], "error:ENABLE_TRADING"),
            (["MAX_ORDER_QUANTITY": "0"], "error:MAX_ORDER_QUANTITY"),
            (["MAX_ORDER_NOTIONAL": "inf"], "error:MAX_ORDER_NOTIONAL"),
            (["ALLOWED_ASSET_TYPES": "EQUITY,,OPTION"], "error:ALLOWED_ASSET_TYPES"),
            (["ALLOWED_ASSET_TYPES": "STOCK"], "error:ALLOWED_ASSET_TYPES"),
        ] as [([String: String], String)])
    func settings(vars: [String: String], expected: String) {
        do {
            let s = try TradingSettings(vars: vars)
            let types = s.allowedAssetTypes.map { $0.sorted().joined(separator: "|") } ?? "nil"
            let rendered =
                "ok:\(s.enabled),\(s.maxQuantity.map { "\($0)" } ?? "nil"),\(s.maxNotional.map { "\($0)" } ?? "nil"),\(types)"
            #expect(rendered == expected)
        } catch {
            #expect(expected == "error:" + (error.problems.first?.key ?? ""))
            #expect(error.description.contains("expected"))
        }
    }

    @Test("a limit order's summary names account, side, quantity, symbol, type, price and cost")
    func limitSummary() throws {
        let summary = OrderSummary(action: .place, account: "Trading ...4821", order: try Self.order(Self.equity()))
        #expect(summary.estimatedCost == 4125)
        #expect(
            summary.text == """
                Place this order in account Trading ...4821:
                  BUY 10 MSFT (EQUITY)
                  Type: LIMIT at $412.50, DAY, NORMAL session
                Estimated cost: $4,125.00 (from the limit price)
                """)
        #expect(summary.json["estimatedCost"] == .double(4125))
    }

    @Test("options cost 100 shares per contract")
    func optionCost() throws {
        let summary = OrderSummary(action: .place, account: "A ...1", order: try Self.order(Self.option))
        #expect(summary.estimatedCost == 640)
        #expect(summary.text.contains("BUY_TO_OPEN 2 SPY   270115C00550000 (OPTION, 100 shares per contract)"))
    }

    @Test("market orders are priced from the quote: ask to buy, bid to sell; unknown without one")
    func marketCost() throws {
        let buy = try Self.order(Self.equity("BUY", 3, type: "MARKET", price: nil))
        #expect(OrderSummary.symbolsNeedingQuotes(buy) == ["MSFT"])
        let quotes = ["MSFT": OrderQuote(bid: 99, ask: 101, last: 100)]
        #expect(OrderSummary(action: .place, account: "A", order: buy, quotes: quotes).estimatedCost == 303)
        let sell = try Self.order(Self.equity("SELL", 3, type: "MARKET", price: nil))
        let sold = OrderSummary(action: .place, account: "A", order: sell, quotes: quotes)
        #expect(sold.estimatedCost == 297)
        #expect(sold.text.contains("Estimated proceeds: $297.00"))
        let unknown = OrderSummary(action: .place, account: "A", order: buy)
        #expect(unknown.estimatedCost == nil)
        #expect(unknown.text.contains("Estimated cost: unknown (no quote for MSFT)"))
    }

    @Test("an OCO counts its larger side, a TRIGGER adds what it triggers")
    func complexCost() throws {
        let oco: JSONValue = .object([
            ("orderStrategyType", "OCO"),
            (
                "childOrderStrategies",
                [Self.equity("SELL", 5, price: 450), Self.equity("SELL", 5, type: "STOP", price: nil, stop: 380)]
            ),
        ])
        let summary = OrderSummary(action: .place, account: "A", order: try Self.order(oco))
        #expect(summary.estimatedCost == 2250)
        #expect(summary.text.contains("One cancels the other:"))
        guard case .object(var parent) = Self.equity("BUY", 5, price: 400) else { return }
        parent[0] = ("orderStrategyType", "TRIGGER")
        parent.append(("childOrderStrategies", [Self.equity("SELL", 5, price: 440)]))
        let trigger = OrderSummary(action: .place, account: "A", order: try Self.order(.object(parent)))
        #expect(trigger.estimatedCost == 4200)
        #expect(trigger.text.contains("Once it fills, then:"))
    }

    @Test(
        "incomplete orders are refused with every problem",
        arguments: [
            (["orderStrategyType": "SINGLE"] as JSONValue, "session is required"),
            (["orderStrategyType": "OCO", "childOrderStrategies": []] as JSONValue, "exactly two"),
            (["orderStrategyType": "TRIGGER", "session": "NORMAL"] as JSONValue, "needs childOrderStrategies"),
        ])
    func incomplete(json: JSONValue, expected: String) {
        #expect(throws: TradingError.self) { try Self.order(json) }
        do {
            _ = try Self.order(json)
        } catch {
            #expect(error.kind == .invalidOrder)
            #expect(error.message.contains(expected))
        }
    }

    @Test("a LIMIT order without a price and a MARKET order with one are refused")
    func priceRules() {
        #expect(throws: TradingError.self) { try Self.order(Self.equity(type: "LIMIT", price: nil)) }
        #expect(throws: TradingError.self) { try Self.order(Self.equity(type: "MARKET", price: 10)) }
        #expect(throws: TradingError.self) { try Self.order(Self.equity(type: "STOP", price: nil, stop: nil)) }
        #expect(throws: TradingError.self) { try Self.order(Self.equity("BUY", 0)) }
    }

    @Test(
        "limits refuse naming the limit; within limits passes",
        arguments: [
            (TradingSettings(enabled: true, maxQuantity: 5), "MAX_ORDER_QUANTITY"),
            (TradingSettings(enabled: true, maxNotional: 4000), "MAX_ORDER_NOTIONAL"),
            (TradingSettings(enabled: true, allowedAssetTypes: ["OPTION"]), "ALLOWED_ASSET_TYPES"),
            (TradingSettings(enabled: true, maxQuantity: 10, maxNotional: 4125, allowedAssetTypes: ["EQUITY"]), ""),
        ])
    func limits(settings: TradingSettings, limit: String) throws {
        let summary = OrderSummary(action: .place, account: "A", order: try Self.order(Self.equity()))
        let refusal = OrderLimits.check(summary, settings)
        if limit.isEmpty {
            #expect(refusal == nil)
        } else {
            #expect(refusal?.kind == .limitExceeded)
            #expect(refusal?.message.contains(limit) == true)
            #expect(refusal?.message.contains("Nothing was sent") == true)
        }
    }

    @Test("a notional limit refuses an order whose cost cannot be estimated")
    func notionalNeedsEstimate() throws {
        let summary = OrderSummary(
            action: .place, account: "A", order: try Self.order(Self.equity(type: "MARKET", price: nil)))
        let refusal = OrderLimits.check(summary, TradingSettings(enabled: true, maxNotional: 1_000_000))
        #expect(refusal?.message.contains("cannot be estimated") == true)
    }

    @Test("the canonical text ignores member order and 10 vs 10.0, but not a changed field")
    func canonical() throws {
        let a: JSONValue = ["b": 10, "a": ["x": "y"]]
        let b: JSONValue = ["a": ["x": "y"], "b": 10.0]
        #expect(TradingOrder.canonical(a) == TradingOrder.canonical(b))
        #expect(TradingOrder.canonical(a) != TradingOrder.canonical(["b": 11, "a": ["x": "y"]]))
        let one = try Self.order(Self.equity())
        let other = try Self.order(Self.equity("BUY", 11))
        #expect(one.canonicalText != other.canonicalText)
    }

    @Test("money and times read plainly")
    func formatting() {
        #expect(OrderSummary.money(1_234_567.891) == "$1,234,567.89")
        #expect(OrderSummary.money(0.5) == "$0.50")
        #expect(AuditEntry.isoTime(1_795_708_800.25) == "2026-11-26T16:00:00.250Z")
    }
}
