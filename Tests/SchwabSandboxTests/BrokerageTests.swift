import EdgeCore
import Testing

@testable import SchwabSandbox

/// The order engine without I/O: a fixed start time, the clock moved by hand.
@Suite("Brokerage: the order engine")
struct BrokerageTests {
    static let start = SandboxDates.epoch(year: 2025, month: 3, day: 4, hour: 15)

    struct World {
        var books: Brokerage
        let margin: String
        let cash: String
        let pricer: MarketPricer

        init(seed: UInt64 = 5) {
            pricer = MarketPricer(model: PriceModel(seed: seed))
            let users = DemoUsers.make(seed: seed)
            books = Brokerage(users: users, pricer: pricer, seed: seed, now: BrokerageTests.start)
            margin = users[0].accounts[0].number
            cash = users[0].accounts[1].number
        }

        func quantity(_ symbol: String, in account: String) -> Double {
            books.ledgers[account]?.holding(symbol)?.quantity ?? 0
        }
    }

    static func ticket(
        _ instruction: String, _ quantity: Double, _ symbol: String, type: String = "MARKET", price: Double? = nil,
        stop: Double? = nil, duration: String = "GOOD_TILL_CANCEL"
    ) -> OrderTicket {
        OrderTicket(
            session: "NORMAL", duration: duration, orderType: type, strategy: "SINGLE", price: price, stopPrice: stop,
            legs: [
                .init(instruction: instruction, quantity: quantity, symbol: symbol, assetType: "EQUITY", option: nil)
            ],
            children: [])
    }

    @Test("the demo accounts open with positions, filled history and a consistent ledger")
    func opening() throws {
        let world = World()
        let ledger = try #require(world.books.ledgers[world.margin])
        #expect(ledger.holdings.count >= 3 && ledger.cash > 0)
        #expect(ledger.orderIds.allSatisfy { world.books.orders[$0]?.status == "FILLED" })
        let net = ledger.transactions.reduce(0) { $0 + $1.netAmount }
        #expect(abs(net - ledger.cash) < 0.05)
    }

    @Test("a market buy fills at the ask; shares and cash move by the same amount")
    func marketBuy() throws {
        var world = World()
        let before = world.quantity("MSFT", in: world.margin)
        let cashBefore = world.books.ledgers[world.margin]!.cash
        let id = try world.books.place(Self.ticket("BUY", 5, "MSFT"), account: world.margin, now: Self.start)
        let order = try world.books.order(id, account: world.margin)
        let ask = world.pricer.snapshot(symbol: "MSFT", at: Self.start)!.ask
        #expect(order.status == "FILLED" && order.fills.first?.price == ask)
        #expect(world.quantity("MSFT", in: world.margin) == before + 5)
        #expect(abs(world.books.ledgers[world.margin]!.cash - (cashBefore - 5 * ask)) < 0.01)
    }

    @Test("a limit below the market works until the quote crosses it, then fills at or under the limit")
    func limitCrosses() throws {
        var world = World()
        let ask = world.pricer.snapshot(symbol: "AAPL", at: Self.start)!.ask
        let limit = PriceModel.cents(ask * 0.995)
        let id = try world.books.place(
            Self.ticket("BUY", 3, "AAPL", type: "LIMIT", price: limit), account: world.margin, now: Self.start)
        #expect(try world.books.order(id, account: world.margin).status == "WORKING")
        var t = Self.start
        while try world.books.order(id, account: world.margin).status == "WORKING" && t < Self.start + 30 * 86_400 {
            t += 3_600
            world.books.advance(to: t)
        }
        let order = try world.books.order(id, account: world.margin)
        let fill = try #require(order.fills.first)
        #expect(order.status == "FILLED" && fill.price <= limit)
        #expect(world.pricer.snapshot(symbol: "AAPL", at: fill.time)!.ask <= limit)
        #expect(world.pricer.snapshot(symbol: "AAPL", at: fill.time - 60)!.ask > limit)
    }

    @Test("cancel ends a working order; a final order cannot be canceled again")
    func cancel() throws {
        var world = World()
        let id = try world.books.place(
            Self.ticket("BUY", 1, "KO", type: "LIMIT", price: 1), account: world.margin, now: Self.start)
        try world.books.cancel(id, account: world.margin, now: Self.start + 1)
        #expect(try world.books.order(id, account: world.margin).status == "CANCELED")
        #expect(throws: SandboxError.self) { try world.books.cancel(id, account: world.margin, now: Self.start + 2) }
    }

    @Test("replace marks the old order REPLACED and starts a new one with a new id")
    func replace() throws {
        var world = World()
        let old = try world.books.place(
            Self.ticket("BUY", 2, "KO", type: "LIMIT", price: 1), account: world.margin, now: Self.start)
        let new = try world.books.replace(
            old, account: world.margin, with: Self.ticket("BUY", 2, "KO", type: "LIMIT", price: 1000),
            now: Self.start + 5)
        #expect(new != old)
        #expect(try world.books.order(old, account: world.margin).status == "REPLACED")
        #expect(try world.books.order(new, account: world.margin).status == "FILLED")
        #expect(try world.books.order(new, account: world.margin).replacesId == old)
    }

    @Test("an OCO fill cancels its sibling; a TRIGGER places its child when it fills")
    func ocoAndTrigger() throws {
        var world = World()
        let held = world.quantity("AAPL", in: world.margin)
        let oco = OrderTicket(
            session: "NORMAL", duration: "DAY", orderType: "MARKET", strategy: "OCO", price: nil, stopPrice: nil,
            legs: [],
            children: [
                Self.ticket("SELL", 5, "AAPL", type: "LIMIT", price: 1),
                Self.ticket("SELL", 5, "AAPL", type: "LIMIT", price: 100_000),
            ])
        let id = try world.books.place(oco, account: world.margin, now: Self.start)
        let children = try world.books.order(id, account: world.margin).childIds.map { world.books.orders[$0]!.status }
        #expect(children == ["FILLED", "CANCELED"])
        #expect(world.quantity("AAPL", in: world.margin) == held - 5)

        var trigger = Self.ticket("BUY", 4, "PEP")
        trigger.strategy = "TRIGGER"
        trigger.children = [Self.ticket("SELL", 4, "PEP", type: "LIMIT", price: 100_000)]
        let parent = try world.books.place(trigger, account: world.margin, now: Self.start)
        let child = try world.books.order(parent, account: world.margin).childIds[0]
        #expect(world.books.orders[child]?.status == "WORKING")
    }

    @Test("a DAY order expires at the close; orders beyond the books are refused")
    func expiryAndRefusals() throws {
        var world = World()
        let id = try world.books.place(
            Self.ticket("BUY", 1, "KO", type: "LIMIT", price: 1, duration: "DAY"), account: world.margin,
            now: Self.start)
        world.books.advance(to: Self.start + 86_400)
        #expect(try world.books.order(id, account: world.margin).status == "EXPIRED")
        #expect(throws: SandboxError.self) {
            try world.books.place(Self.ticket("SELL", 1_000, "AAPL"), account: world.margin, now: Self.start)
        }
        #expect(throws: SandboxError.self) {
            try world.books.place(Self.ticket("SELL_SHORT", 1, "AAPL"), account: world.cash, now: Self.start)
        }
        #expect(throws: SandboxError.self) {
            try world.books.place(Self.ticket("BUY", 1_000_000, "AAPL"), account: world.margin, now: Self.start)
        }
    }

    @Test("a stop sell triggers when the last trade reaches the stop")
    func stop() throws {
        var world = World()
        let last = world.pricer.snapshot(symbol: "NVDA", at: Self.start)!.last
        let id = try world.books.place(
            Self.ticket("SELL", 10, "NVDA", type: "STOP", stop: PriceModel.cents(last * 0.999)), account: world.margin,
            now: Self.start)
        #expect(try world.books.order(id, account: world.margin).status == "WORKING")
        world.books.advance(to: Self.start + 10 * 86_400)
        let order = try world.books.order(id, account: world.margin)
        #expect(order.status == "FILLED")
        let fill = try #require(order.fills.first)
        #expect(world.pricer.snapshot(symbol: "NVDA", at: fill.time)!.last <= PriceModel.cents(last * 0.999))
    }

    @Test("a trailing stop sell follows the highest price and sells when the price falls back by the offset")
    func trailingStop() throws {
        var world = World()
        var ticket = Self.ticket("SELL", 10, "NVDA", type: "TRAILING_STOP")
        ticket.trail = OrderTicket.Trail(basis: "LAST", type: "PERCENT", offset: 0.5)
        let id = try world.books.place(ticket, account: world.margin, now: Self.start)
        #expect(try world.books.order(id, account: world.margin).status == "WORKING")
        world.books.advance(to: Self.start + 10 * 86_400)
        let order = try world.books.order(id, account: world.margin)
        #expect(order.status == "FILLED")
        let fill = try #require(order.fills.first)
        let best = try #require(order.trailBest)
        // The stop trailed the best last price seen before the fill, and the last came back to it.
        #expect(best >= world.pricer.snapshot(symbol: "NVDA", at: Self.start)!.last)
        #expect(world.pricer.snapshot(symbol: "NVDA", at: fill.time)!.last <= PriceModel.cents(best * 0.995))
        #expect(fill.price == world.pricer.snapshot(symbol: "NVDA", at: fill.time)!.bid)
    }

    @Test("a market-on-close order fills at the closing price; a limit-on-close the close does not reach expires")
    func onClose() throws {
        var world = World()
        let close = SandboxDates.epoch(year: 2025, month: 3, day: 4, hour: 20)
        let last = world.pricer.snapshot(symbol: "KO", at: close)!.last
        let market = try world.books.place(
            Self.ticket("BUY", 3, "KO", type: "MARKET_ON_CLOSE", duration: "DAY"), account: world.margin,
            now: Self.start)
        let limit = try world.books.place(
            Self.ticket("BUY", 3, "KO", type: "LIMIT_ON_CLOSE", price: PriceModel.cents(last - 1), duration: "DAY"),
            account: world.margin, now: Self.start)
        world.books.advance(to: close - 60)
        #expect(try world.books.order(market, account: world.margin).status == "WORKING")
        world.books.advance(to: close + 60)
        let filled = try world.books.order(market, account: world.margin)
        #expect(filled.status == "FILLED" && filled.fills.first?.price == last && filled.fills.first?.time == close)
        #expect(try world.books.order(limit, account: world.margin).status == "EXPIRED")
    }

    static func spread(_ orderType: String, price: Double?, at t: Double, pricer: MarketPricer) throws -> OrderTicket {
        let spy = try #require(MarketUniverse.lookup("SPY"))
        let spot = pricer.model.price(spy, at: t)
        let expiry = SandboxDates.parts(OptionCalendar.expirations(at: t)[3].day)
        func call(_ strike: Double) -> OptionSymbol {
            OptionSymbol(
                root: "SPY", year: expiry.year, month: expiry.month, day: expiry.day, isCall: true, strike: strike)
        }
        let low = call((spot / 5).rounded() * 5)
        let high = call((spot / 5).rounded() * 5 + 10)
        var ticket = OrderTicket(
            session: "NORMAL", duration: "GOOD_TILL_CANCEL", orderType: orderType, strategy: "SINGLE", price: price,
            stopPrice: nil,
            legs: [
                .init(
                    instruction: "BUY_TO_OPEN", quantity: 2, symbol: low.description, assetType: "OPTION", option: low),
                .init(
                    instruction: "SELL_TO_OPEN", quantity: 2, symbol: high.description, assetType: "OPTION",
                    option: high),
            ], children: [])
        ticket.complexStrategy = "VERTICAL"
        return ticket
    }

    @Test("a vertical spread fills as one net debit: both legs open, cash moves by the net and commissions")
    func verticalSpread() throws {
        var world = World()
        let cashBefore = world.books.ledgers[world.margin]!.cash
        let ticket = try Self.spread("NET_DEBIT", price: 50, at: Self.start, pricer: world.pricer)
        let id = try world.books.place(ticket, account: world.margin, now: Self.start)
        let order = try world.books.order(id, account: world.margin)
        let fill = try #require(order.fills.first)
        #expect(order.status == "FILLED" && fill.legPrices.count == 2 && fill.price > 0 && fill.price <= 50)
        #expect(world.quantity(ticket.legs[0].symbol, in: world.margin) == 2)
        #expect(world.quantity(ticket.legs[1].symbol, in: world.margin) == -2)
        let expected = cashBefore - fill.price * 2 * 100 - 4 * 0.65
        #expect(abs(world.books.ledgers[world.margin]!.cash - expected) < 0.05)
    }

    @Test("a net credit beyond what the market pays keeps working")
    func netCreditWorks() throws {
        var world = World()
        let ticket = try Self.spread("NET_CREDIT", price: 40, at: Self.start, pricer: world.pricer)
        var credit = ticket
        credit.legs = ticket.legs.map { leg in
            var flipped = leg
            flipped.instruction = leg.isBuy ? "SELL_TO_OPEN" : "BUY_TO_OPEN"
            return flipped
        }
        let id = try world.books.place(credit, account: world.margin, now: Self.start)
        #expect(try world.books.order(id, account: world.margin).status == "WORKING")
    }
}

@Suite("Brokerage: option expiry")
struct OptionExpiryTests {
    @Test("options past expiry leave the account, settled at intrinsic value with a RECEIVE_AND_DELIVER entry")
    func expiry() throws {
        let seed: UInt64 = 5
        let pricer = MarketPricer(model: PriceModel(seed: seed))
        let users = DemoUsers.make(seed: seed)
        let start = OptionCalendar.referenceNow
        var books = Brokerage(users: users, pricer: pricer, seed: seed, now: start)
        let account = users[2].accounts[0].number
        let option = try #require(books.ledgers[account]?.holdings.first { $0.assetType == "OPTION" })
        let parsed = try #require(OptionSymbol(occ: option.symbol))
        let cashBefore = books.ledgers[account]!.cash
        books.advance(to: parsed.expiryEpoch - 60)
        #expect(books.ledgers[account]?.holding(option.symbol) != nil)
        books.advance(to: parsed.expiryEpoch + 60)
        #expect(books.ledgers[account]?.holding(option.symbol) == nil)
        let entry = try #require(books.ledgers[account]?.transactions.last)
        #expect(entry.type == "RECEIVE_AND_DELIVER" && entry.symbol == option.symbol)
        let spot = pricer.model.price(MarketUniverse.lookup("SPY")!, at: parsed.expiryEpoch)
        let intrinsic = PriceModel.cents(max(0, spot - parsed.strike))
        #expect(abs(books.ledgers[account]!.cash - (cashBefore + intrinsic * option.quantity * 100)) < 0.05)
    }
}
