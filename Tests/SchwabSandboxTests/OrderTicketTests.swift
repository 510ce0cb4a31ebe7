import EdgeCore
import Testing

@testable import SchwabSandbox

@Suite("OrderTicket validation")
struct OrderTicketTests {
    static let now = SandboxDates.epoch(year: 2025, month: 3, day: 3, hour: 15)

    static func order(_ changes: [(String, JSONValue)] = [], leg: [(String, JSONValue)] = []) -> JSONValue {
        var legMembers: [(String, JSONValue)] = [
            ("instruction", "BUY"), ("quantity", 10), ("instrument", ["symbol": "MSFT", "assetType": "EQUITY"]),
        ]
        for (key, value) in leg {
            legMembers.removeAll { $0.0 == key }
            if value != .null { legMembers.append((key, value)) }
        }
        var members: [(String, JSONValue)] = [
            ("session", "NORMAL"), ("duration", "DAY"), ("orderType", "LIMIT"), ("price", 412.5),
            ("orderStrategyType", "SINGLE"), ("orderLegCollection", [.object(legMembers)]),
        ]
        for (key, value) in changes {
            members.removeAll { $0.0 == key }
            if value != .null { members.append((key, value)) }
        }
        return .object(members)
    }

    static func legJSON(_ instruction: String) -> JSONValue {
        .object([
            ("instruction", .string(instruction)), ("quantity", 1),
            ("instrument", ["symbol": "MSFT", "assetType": "EQUITY"]),
        ])
    }

    @Test("a well-formed limit order parses, price as a number or a decimal string")
    func validOrders() throws {
        let ticket = try OrderTicket.parse(Self.order(), now: Self.now)
        #expect(ticket.price == 412.5 && ticket.legs.first?.symbol == "MSFT" && ticket.legs.first?.quantity == 10)
        let fromString = try OrderTicket.parse(Self.order([("price", "150.00")]), now: Self.now)
        #expect(fromString.price == 150)
        let market = try OrderTicket.parse(Self.order([("orderType", "MARKET"), ("price", .null)]), now: Self.now)
        #expect(market.orderType == "MARKET" && market.price == nil)
    }

    @Test(
        "bad orders answer 400 naming the problem",
        arguments: [
            (order([("orderType", .null)]), "orderType is required"),
            (order([("session", "LUNCH")]), "session 'LUNCH' is not one of"),
            (order([("price", .null)]), "price is required for a LIMIT order"),
            (order([("orderType", "MARKET")]), "price must not be set on a MARKET order"),
            (order([("orderType", "STOP"), ("price", .null)]), "stopPrice is required"),
            (order([("price", -1)]), "price must be greater than zero"),
            (order([("price", true)]), "price must be a number"),
            (order([("orderLegCollection", [])]), "orderLegCollection is required"),
            (order([("requestedDestination", "AUTO")]), "requestedDestination is not accepted"),
            (order([("orderStrategyType", "PAIR")]), "PAIR is not simulated"),
            (order([("orderStrategyType", "OCO")]), "exactly two childOrderStrategies"),
            (order(leg: [("quantity", 1.5)]), "whole number greater than zero"),
            (order(leg: [("quantity", 1e300)]), "at most 1000000"),
            (order(leg: [("quantity", "10")]), "quantity is required and must be a number"),
            (order(leg: [("instruction", "BUY_TO_OPEN")]), "does not apply to EQUITY"),
            (order(leg: [("instrument", ["symbol": "ZZZZ", "assetType": "EQUITY"])]), "'ZZZZ' is not a tradable"),
            (order(leg: [("instrument", ["symbol": "$SPX", "assetType": "EQUITY"])]), "is not a tradable"),
            (order(leg: [("instrument", ["symbol": "SPY 250620C550", "assetType": "OPTION"])]), "not an OCC option"),
            (
                order(leg: [
                    ("instruction", "BUY_TO_OPEN"),
                    ("instrument", ["symbol": "SPY   250117C00550000", "assetType": "OPTION"]),
                ]),
                "expired on 2025-01-17"
            ),
            (JSONValue.array([]), "order must be a JSON object"),
            (order([("orderLegCollection", [legJSON("BUY"), legJSON("SELL")])]), "needs orderType NET_DEBIT"),
            (order([("orderType", "NET_DEBIT")]), "needs two or more legs"),
            (
                order([
                    ("orderType", "NET_CREDIT"), ("price", .null),
                    ("orderLegCollection", [legJSON("BUY"), legJSON("SELL")]),
                ]),
                "price is required for a NET_CREDIT order"
            ),
            (order([("complexOrderStrategyType", "SIDEWAYS")]), "complexOrderStrategyType 'SIDEWAYS'"),
            (order([("orderType", "TRAILING_STOP"), ("price", .null)]), "stopPriceOffset is required"),
            (order([("orderType", "TRAILING_STOP"), ("stopPriceOffset", 0)]), "greater than zero"),
            (
                order([("orderType", "TRAILING_STOP"), ("stopPriceOffset", 1), ("stopPriceLinkBasis", "AVERAGE")]),
                "stopPriceLinkBasis \"AVERAGE\" is not simulated"
            ),
            (
                order([("orderType", "TRAILING_STOP"), ("stopPriceOffset", 1), ("stopPriceLinkType", "POINTS")]),
                "stopPriceLinkType \"POINTS\" is not one of"
            ),
            (
                order([("orderType", "TRAILING_STOP"), ("stopPriceOffset", 100), ("stopPriceLinkType", "PERCENT")]),
                "must be below 100"
            ),
            (order([("orderType", "LIMIT_ON_CLOSE"), ("price", .null)]), "price is required for a LIMIT_ON_CLOSE"),
            (order([("orderType", "CABINET")]), "CABINET is not simulated"),
        ] as [(JSONValue, String)])
    func invalidOrders(body: JSONValue, message: String) {
        #expect {
            try OrderTicket.parse(body, now: Self.now)
        } throws: { error in
            guard let error = error as? SandboxError else { return false }
            return error.status == 400 && error.details.contains { $0.contains(message) }
        }
    }

    @Test("a trailing stop carries its link (LAST and VALUE unless told), on-close orders their type")
    func trailingAndOnClose() throws {
        let trailing = try OrderTicket.parse(
            Self.order([("orderType", "TRAILING_STOP"), ("price", .null), ("stopPriceOffset", 2.5)]), now: Self.now)
        #expect(trailing.trail == OrderTicket.Trail(basis: "LAST", type: "VALUE", offset: 2.5))
        let percent = try OrderTicket.parse(
            Self.order([
                ("orderType", "TRAILING_STOP"), ("price", .null), ("stopPriceOffset", "5"),
                ("stopPriceLinkBasis", "BID"), ("stopPriceLinkType", "PERCENT"),
            ]), now: Self.now)
        #expect(percent.trail == OrderTicket.Trail(basis: "BID", type: "PERCENT", offset: 5))
        let close = try OrderTicket.parse(
            Self.order([("orderType", "MARKET_ON_CLOSE"), ("price", .null)]), now: Self.now)
        #expect(close.isOnClose && close.trail == nil)
    }

    @Test("an OCO carries both children and a TRIGGER its follow-up")
    func composite() throws {
        let oco: JSONValue = .object([
            ("orderStrategyType", "OCO"), ("childOrderStrategies", [Self.order(), Self.order([("price", 380)])]),
        ])
        #expect(try OrderTicket.parse(oco, now: Self.now).children.count == 2)
        let trigger = Self.order([("orderStrategyType", "TRIGGER"), ("childOrderStrategies", [Self.order()])])
        let ticket = try OrderTicket.parse(trigger, now: Self.now)
        #expect(ticket.strategy == "TRIGGER" && ticket.children.first?.strategy == "SINGLE")
    }
}
