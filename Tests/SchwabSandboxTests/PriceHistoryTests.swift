import EdgeCore
import Testing

@testable import SchwabSandbox

/// `/pricehistory` without sockets: the renderer at a fixed instant, asked what clients ask.
@Suite("Price history windows")
struct PriceHistoryTests {
    /// A Tuesday afternoon, market open.
    static let now = SandboxDates.epoch(year: 2025, month: 3, day: 4, hour: 18)
    static let history = PriceHistoryJSON(pricer: MarketPricer(model: PriceModel(seed: 3)), now: now)
    static let day = 86_400.0

    static func candles(_ query: String) throws -> (body: JSONValue, times: [Double]) {
        let body = try #require(try history.response(SandboxQuery(query)))
        let times = (body["candles"]?.arrayValue ?? []).compactMap { $0["datetime"]?.doubleValue }.map { $0 / 1000 }
        return (body, times)
    }

    /// schwab-py's `get_price_history_every_*` helpers: periodType and frequency, with its window of
    /// 1971-01-01 to a week ahead, and how many days back the answer should reach (20 years: 7,305), and the candle's width in days.
    @Test(
        "a window from 1971 to a week ahead answers the candles kept, none in the future",
        arguments: [
            ("periodType=day&period=1&frequencyType=minute&frequency=1", 48, 1),
            ("periodType=day&period=1&frequencyType=minute&frequency=5", 270, 1),
            ("periodType=day&period=1&frequencyType=minute&frequency=10", 270, 1),
            ("periodType=day&period=1&frequencyType=minute&frequency=15", 270, 1),
            ("periodType=day&period=1&frequencyType=minute&frequency=30", 270, 1),
            ("periodType=year&period=20&frequencyType=daily&frequency=1", 7_305, 1),
            ("periodType=year&period=20&frequencyType=weekly&frequency=1", 7_305, 7),
        ] as [(String, Double, Double)])
    func schwabPyWindow(shape: String, days: Double, width: Double) throws {
        let start = Int(SandboxDates.epoch(year: 1971, month: 1, day: 1) * 1000)
        let end = Int((Self.now + 7 * Self.day) * 1000)
        let (body, times) = try Self.candles("symbol=AAPL&\(shape)&startDate=\(start)&endDate=\(end)")
        #expect(body["empty"]?.boolValue == false)
        let first = try #require(times.first)
        let last = try #require(times.last)
        // Daily and weekly candles open at 13:30 on the window's first day, up to a day before it.
        let kept = Self.now - days * Self.day
        #expect(first >= kept - Self.day && first <= kept + 5 * Self.day)
        #expect(last <= Self.now && last >= Self.now - width * Self.day)
        #expect(zip(times, times.dropFirst()).allSatisfy { $0 < $1 })
    }

    @Test("a window entirely before the history kept answers an empty list, not an error")
    func olderThanKept() throws {
        let start = Int(SandboxDates.epoch(year: 1971, month: 1, day: 1) * 1000)
        let end = Int(SandboxDates.epoch(year: 1972, month: 1, day: 1) * 1000)
        let (body, times) = try Self.candles(
            "symbol=MSFT&periodType=day&frequencyType=minute&frequency=1&startDate=\(start)&endDate=\(end)")
        #expect(times.isEmpty && body["empty"]?.boolValue == true)
        #expect(body["symbol"]?.stringValue == "MSFT")
    }

    @Test("an end in the future stops at now; the default end is the previous business day's close")
    func endsAtNow() throws {
        let start = Int((Self.now - 2 * Self.day) * 1000)
        let future = Int((Self.now + 3 * Self.day) * 1000)
        let (_, ahead) = try Self.candles("symbol=SPY&frequencyType=minute&startDate=\(start)&endDate=\(future)")
        #expect(try #require(ahead.last) + 60 <= Self.now)
        let (_, standard) = try Self.candles("symbol=SPY")
        let monday = SandboxDates.epoch(year: 2025, month: 3, day: 3, hour: 20)
        #expect(try #require(standard.last) < monday && standard.last! >= monday - 3600)
    }

    @Test(
        "start after end, and dates before 1970, are still refused with the parameter named",
        arguments: [
            "symbol=AAPL&startDate=1741111200000&endDate=1741000000000",
            "symbol=AAPL&periodType=year&frequencyType=daily&startDate=-999999999999999",
        ])
    func refusals(query: String) {
        #expect {
            _ = try Self.history.response(SandboxQuery(query))
        } throws: { error in
            (error as? SandboxError)?.status == 400 && (error as? SandboxError)?.parameter == "startDate"
        }
    }
}
