import Testing

@testable import SchwabSandbox

@Suite("Market model: prices, symbols, dates")
struct MarketModelTests {
    @Test("prices are a deterministic function of seed, symbol and time, and move over time")
    func deterministicPrices() throws {
        let aapl = try #require(MarketUniverse.lookup("AAPL"))
        let t = SandboxDates.epoch(year: 2025, month: 6, day: 2, hour: 15)
        let a = PriceModel(seed: 9)
        #expect(a.price(aapl, at: t) == PriceModel(seed: 9).price(aapl, at: t))
        #expect(a.price(aapl, at: t) != PriceModel(seed: 10).price(aapl, at: t))
        #expect(a.price(aapl, at: t) != a.price(aapl, at: t + 3600))
        let quote = a.snapshot(aapl, at: t)
        #expect(quote.bid < quote.ask && quote.low <= quote.last && quote.last <= quote.high)
    }

    @Test("the universe has at least 50 symbols, each with a unique valid CUSIP")
    func universe() {
        #expect(MarketUniverse.all.count >= 50)
        let equities = MarketUniverse.equities
        #expect(Set(equities.map(\.cusip)).count == equities.count)
        for symbol in equities {
            #expect(symbol.cusip.count == 9)
            #expect(MarketUniverse.cusipCheckDigit(String(symbol.cusip.prefix(8))) == Int(String(symbol.cusip.last!)))
            #expect(MarketUniverse.lookup(cusip: symbol.cusip) == symbol)
        }
    }

    @Test(
        "real CUSIPs find their securities, as at Schwab",
        arguments: [
            ("037833100", "AAPL"), ("594918104", "MSFT"), ("78462F103", "SPY"), ("46090E103", "QQQ"),
            ("67066G104", "NVDA"), ("023135106", "AMZN"), ("02079K305", "GOOGL"), ("02079K107", "GOOG"),
            ("30303M102", "META"), ("88160R101", "TSLA"), ("46625H100", "JPM"), ("084670702", "BRK.B"),
        ])
    func realCusips(cusip: String, symbol: String) throws {
        let found = try #require(MarketUniverse.lookup(cusip: cusip))
        #expect(found.symbol == symbol)
        #expect(MarketUniverse.lookup(symbol)?.cusip == cusip)
    }

    @Test("indices have no CUSIP and an empty one finds nothing")
    func indicesHaveNoCusip() {
        #expect(MarketUniverse.all.filter(\.isIndex).allSatisfy { $0.cusip.isEmpty })
        #expect(MarketUniverse.lookup(cusip: "") == nil)
    }

    @Test(
        "CUSIP check digits match real CUSIPs",
        arguments: [("03783310", 0), ("59491810", 4), ("46625H10", 0), ("02079K30", 5), ("88160R10", 1)])
    func cusipCheckDigit(first8: String, digit: Int) {
        #expect(MarketUniverse.cusipCheckDigit(first8) == digit)
    }

    @Test(
        "OCC option symbols round-trip",
        arguments: [
            ("SPY   250620C00550000", "SPY", 2025, 6, 20, true, 550.0),
            ("AMZN  220617C03170000", "AMZN", 2022, 6, 17, true, 3170.0),
            ("DJX   231215P00290500", "DJX", 2023, 12, 15, false, 290.5),
        ])
    func occRoundTrip(text: String, root: String, year: Int, month: Int, day: Int, call: Bool, strike: Double) throws {
        let symbol = try #require(OptionSymbol(occ: text))
        #expect(symbol == OptionSymbol(root: root, year: year, month: month, day: day, isCall: call, strike: strike))
        #expect(symbol.description == text)
    }

    @Test(
        "malformed OCC symbols are refused",
        arguments: [
            "SPY 250620C00550000", "SPY   251320C00550000", "SPY   250620X00550000", "      250620C00550000",
            "SPY   250620C0055000A", "AAPL",
        ])
    func occInvalid(text: String) {
        #expect(OptionSymbol(occ: text) == nil)
    }

    @Test(
        "Trader timestamps parse in every form clients send",
        arguments: [
            ("2024-03-29T00:00:00.000Z", 1_711_670_400.0), ("2024-03-29T00:00:00Z", 1_711_670_400.0),
            ("2024-03-29T02:00:00+0200", 1_711_670_400.0), ("2024-03-29T00:00:00.500+00:00", 1_711_670_400.5),
        ])
    func timestamps(text: String, epoch: Double) {
        #expect(SandboxDates.parseTimestamp(text) == epoch)
    }

    @Test(
        "malformed timestamps are refused",
        arguments: ["2024-03-29", "2024-13-29T00:00:00Z", "2024-03-29T00:00:00", "yesterday"])
    func badTimestamps(text: String) {
        #expect(SandboxDates.parseTimestamp(text) == nil)
    }

    @Test("option expirations are Fridays, weeklies first, monthlies on the third Friday")
    func expirations() {
        let t = SandboxDates.epoch(year: 2025, month: 3, day: 3, hour: 15)
        let list = OptionCalendar.expirations(at: t)
        #expect(list.count >= 10)
        #expect(list.allSatisfy { SandboxDates.parts($0.day).weekday == 5 })
        #expect(list.contains { SandboxDates.day($0.day) == "2025-03-21" && $0.type == "Q" })
        #expect(list.contains { SandboxDates.day($0.day) == "2025-03-07" && $0.type == "W" })
    }
}

@Suite("Market calendar")
struct MarketCalendarTests {
    @Test(
        "NYSE holidays, observed dates included",
        arguments: [
            ("2025-01-01", "New Year's Day"), ("2025-01-20", "Martin Luther King Jr. Day"),
            ("2025-04-18", "Good Friday"),
            ("2025-05-26", "Memorial Day"), ("2025-06-19", "Juneteenth National Independence Day"),
            ("2026-07-03", "Independence Day"), ("2025-09-01", "Labor Day"), ("2025-11-27", "Thanksgiving Day"),
            ("2022-12-26", "Christmas Day"), ("2024-03-29", "Good Friday"),
        ])
    func holidays(day: String, name: String) throws {
        #expect(MarketCalendar.holiday(try #require(SandboxDates.parseDay(day))) == name)
    }

    @Test("ordinary days and weekends", arguments: ["2025-03-04", "2025-07-03", "2022-01-03", "2021-12-31"])
    func tradingDays(day: String) throws {
        #expect(MarketCalendar.isTradingDay(try #require(SandboxDates.parseDay(day))))
    }

    @Test("weekends and New Year's Day on a Saturday", arguments: ["2025-03-08", "2025-03-09", "2022-01-01"])
    func closedDays(day: String) throws {
        #expect(!MarketCalendar.isTradingDay(try #require(SandboxDates.parseDay(day))))
    }
}
