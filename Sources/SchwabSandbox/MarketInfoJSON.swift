import EdgeCore
import Foundation

/// Renders movers ([M] Screener list), market hours ([M] Hours) and instruments
/// ([M] InstrumentResponse) from the sandbox universe.
public struct MarketInfoJSON: Sendable {
    /// Where prices come from.
    public let pricer: MarketPricer
    /// The instant described.
    public let now: Double

    /// A renderer at `now`.
    public init(pricer: MarketPricer, now: Double) {
        self.pricer = pricer
        self.now = now
    }

    /// The values `/movers/{symbol_id}` accepts.
    public static let moverIndices = [
        "$DJI", "$COMPX", "$SPX", "NYSE", "NASDAQ", "OTCBB", "INDEX_ALL", "EQUITY_ALL", "OPTION_ALL", "OPTION_PUT",
        "OPTION_CALL",
    ]

    /// The ten biggest movers of an index by `sort`.
    public func movers(index: String, sort: String) -> JSONValue {
        let members = MarketUniverse.equities.filter { symbol in
            switch index {
            case "$COMPX", "NASDAQ": symbol.exchange == "Q"
            case "NYSE", "$DJI": symbol.exchange == "N"
            case "$SPX", "EQUITY_ALL", "INDEX_ALL": symbol.subType == "COE"
            default: false
            }
        }
        let rows = members.map { ($0, pricer.model.snapshot($0, at: now)) }
        let total = max(1, rows.reduce(0) { $0 + $1.1.volume })
        let sorted: [(MarketSymbol, PriceSnapshot)]
        switch sort {
        case "PERCENT_CHANGE_UP":
            sorted = rows.filter { $0.1.netPercentChange > 0 }.sorted { $0.1.netPercentChange > $1.1.netPercentChange }
        case "PERCENT_CHANGE_DOWN":
            sorted = rows.filter { $0.1.netPercentChange < 0 }.sorted { $0.1.netPercentChange < $1.1.netPercentChange }
        default: sorted = rows.sorted { $0.1.volume > $1.1.volume }
        }
        let screeners: [JSONValue] = sorted.prefix(10).map { symbol, q in
            .object([
                ("change", .double(q.netChange)), ("description", .string(symbol.description)),
                ("direction", .string(q.netChange >= 0 ? "up" : "down")), ("last", .double(q.last)),
                ("symbol", .string(symbol.symbol)), ("totalVolume", .int(q.volume)), ("volume", .int(q.volume)),
                ("trades", .int(q.volume / 150)), ("netChange", .double(q.netChange)),
                ("netPercentChange", .double(q.netPercentChange / 100)),
                ("marketShare", .double((Double(q.volume) / Double(total) * 10_000).rounded() / 100)),
            ])
        }
        return .object([("screeners", .array(screeners))])
    }

    /// The market names `/markets` accepts.
    public static let marketNames = ["equity", "option", "bond", "future", "forex"]

    /// The hours of `markets` on the UTC day starting at `day` (New York local times with offset).
    public func hours(markets: [String], day: Double) -> JSONValue {
        let weekday = SandboxDates.parts(day).weekday
        let weekend = weekday == 0 || weekday == 6
        let offset = MarketInfoJSON.isDaylightSaving(day) ? 4 : 5
        func stamp(_ hour: Double) -> String {
            let local = day + hour * 3600 + Double(offset) * 3600
            let iso = SandboxDates.traderTimestamp(local)
            return String(iso.prefix(19)) + "-0\(offset):00"
        }
        func interval(_ from: Double, _ to: Double) -> JSONValue {
            [.object([("start", .string(stamp(from))), ("end", .string(stamp(to)))])]
        }
        func product(
            _ market: String, _ code: String, _ name: String, _ regular: (Double, Double)
        ) -> (String, JSONValue) {
            var members: [(String, JSONValue)] = [
                ("date", .string(SandboxDates.day(day))), ("marketType", .string(market.uppercased())),
                ("exchange", "NULL"), ("category", "NULL"), ("product", .string(code)), ("productName", .string(name)),
                ("isOpen", .bool(!weekend)),
            ]
            if !weekend {
                var session: [(String, JSONValue)] = []
                if market == "equity" { session.append(("preMarket", interval(7, 9.5))) }
                session.append(("regularMarket", interval(regular.0, regular.1)))
                if market == "equity" { session.append(("postMarket", interval(16, 20))) }
                members.append(("sessionHours", .object(session)))
            }
            return (weekend ? market : code, .object(members))
        }
        var result: [(String, JSONValue)] = []
        for market in markets {
            switch market {
            case "equity": result.append((market, .object([product(market, "EQ", "equity", (9.5, 16))])))
            case "option":
                result.append(
                    (
                        market,
                        .object([
                            product(market, "EQO", "equity option", (9.5, 16)),
                            product(market, "IND", "index option", (9.5, 16.25)),
                        ])
                    ))
            case "bond": result.append((market, .object([product(market, "BON", "bond", (8, 17))])))
            case "future": result.append((market, .object([product(market, "ES", "E-mini S&P 500", (9.5, 16))])))
            default: result.append((market, .object([product(market, "FOREX", "forex", (0, 17))])))
            }
        }
        return .object(result)
    }

    /// US daylight saving: from the second Sunday of March to the first Sunday of November.
    public static func isDaylightSaving(_ t: Double) -> Bool {
        let p = SandboxDates.parts(t)
        func sunday(_ month: Int, _ nth: Int) -> Double {
            let first = SandboxDates.epoch(year: p.year, month: month, day: 1)
            let w = SandboxDates.parts(first).weekday
            return first + Double((7 - w) % 7 + 7 * (nth - 1)) * 86_400
        }
        return t >= sunday(3, 2) + 7 * 3600 && t < sunday(11, 1) + 6 * 3600
    }

    /// The instrument search results for `symbol` under `projection`; 400 for a bad regex.
    public func instruments(symbol: String, projection: String) throws(SandboxError) -> JSONValue {
        var found: [MarketSymbol]
        switch projection {
        case "symbol-regex", "desc-regex":
            let isSymbol = projection == "symbol-regex"
            guard
                let regex = try? NSRegularExpression(
                    pattern: isSymbol ? "^(?:" + symbol + ")$" : symbol, options: isSymbol ? [] : [.caseInsensitive])
            else {
                throw .badRequest("symbol '\(symbol)' is not a valid regular expression", parameter: "symbol")
            }
            found = MarketUniverse.all.filter { entry in
                let text = isSymbol ? entry.symbol : entry.description
                return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
            }
        case "desc-search":
            found = MarketUniverse.all.filter { $0.description.lowercased().contains(symbol.lowercased()) }
        default:
            let wanted = symbol.split(separator: ",").map { String($0.trimmingSpaces) }
            found = wanted.compactMap { MarketUniverse.lookup($0) }
        }
        return .object([("instruments", .array(found.map { instrument($0, fundamental: projection == "fundamental") }))]
        )
    }

    /// One InstrumentResponse, with the fundamental block when asked.
    public func instrument(_ symbol: MarketSymbol, fundamental: Bool) -> JSONValue {
        var members: [(String, JSONValue)] = []
        if !symbol.isIndex { members.append(("cusip", .string(symbol.cusip))) }
        members += [
            ("symbol", .string(symbol.symbol)), ("description", .string(symbol.description)),
            ("exchange", .string(symbol.exchangeName)), ("assetType", .string(symbol.isIndex ? "INDEX" : "EQUITY")),
        ]
        if fundamental {
            let range = pricer.model.range(symbol)
            let q = pricer.model.snapshot(symbol, at: now)
            let eps = symbol.peRatio > 0 ? PriceModel.cents(symbol.basePrice / symbol.peRatio) : 0
            members.append(
                (
                    "fundamental",
                    .object([
                        ("symbol", .string(symbol.symbol)), ("high52", .double(range.high)),
                        ("low52", .double(range.low)),
                        ("dividendAmount", .double(PriceModel.cents(symbol.basePrice * symbol.dividendYield / 100))),
                        ("dividendYield", .double(symbol.dividendYield)), ("dividendDate", "2024-02-15 00:00:00.0"),
                        ("peRatio", .double(symbol.peRatio)), ("pegRatio", 1.8), ("pbRatio", 6.2), ("prRatio", 4.1),
                        ("pcfRatio", 18), ("beta", .double((symbol.volatility / 0.2 * 100).rounded() / 100)),
                        ("epsTTM", .double(eps)), ("eps", .double(eps)),
                        ("sharesOutstanding", .double((symbol.basePrice * 1.0e7).rounded())),
                        ("marketCap", .double((symbol.basePrice * symbol.basePrice * 1.0e7 / 1.0e6).rounded())),
                        ("avg10DaysVolume", .int(q.volume)), ("avg3MonthVolume", .int(q.volume)),
                        ("avg1DayVolume", .int(q.volume)), ("dividendFreq", .int(symbol.dividendYield > 0 ? 4 : 0)),
                        ("declarationDate", "2024-02-01 00:00:00.0"), ("nextDividendPayDate", "2024-06-14 00:00:00.0"),
                        ("nextDividendDate", "2024-05-15 00:00:00.0"), ("fundLeverageFactor", 0),
                    ])
                ))
        }
        return .object(members)
    }
}
