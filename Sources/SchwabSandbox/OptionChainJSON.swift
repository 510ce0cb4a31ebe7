import EdgeCore

/// Renders option chains and expiration chains ([M] OptionChain, ExpirationChain) from the
/// listed expiries of `OptionCalendar` and contracts priced by `MarketPricer`.
struct OptionChainJSON: Sendable {
    /// Where prices come from.
    let pricer: MarketPricer
    /// The instant priced.
    let now: Double

    /// A renderer at `now`.
    init(pricer: MarketPricer, now: Double) {
        self.pricer = pricer
        self.now = now
    }

    /// What `/chains` was asked, already validated.
    struct Request: Sendable {
        var symbol: String
        var contractType = "ALL"
        var strikeCount: Int?
        var includeUnderlyingQuote = false
        var strategy = "SINGLE"
        /// The spread width asked for with a spread strategy (0 for SINGLE).
        var interval = 0.0
        var strike: Double?
        var range = "ALL"
        var fromDay: Double?
        var toDay: Double?
        var expMonth = "ALL"

        /// A request for `symbol` with every default.
        init(symbol: String) { self.symbol = symbol }
    }

    /// The strike spacing listed for an underlying at `price`.
    static func interval(for price: Double) -> Double {
        switch price {
        case ..<25: 0.5
        case ..<100: 1
        case ..<250: 2.5
        case ..<1000: 5
        case ..<5000: 25
        default: 100
        }
    }

    /// The underlying's exchange in the chain's code list (IND, NYS, NAS, PAC, ...).
    static func chainExchange(_ symbol: MarketSymbol) -> String {
        switch symbol.exchange {
        case "Q": "NAS"
        case "N": "NYS"
        case "P": "PAC"
        default: "IND"
        }
    }

    /// `SPY Jun 20 2025 550 Call` style description.
    static func describe(_ option: OptionSymbol) -> String {
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let strike = option.strike == option.strike.rounded() ? String(Int(option.strike)) : String(option.strike)
        return
            "\(option.root) \(months[option.month - 1]) \(option.day) \(option.year) \(strike) \(option.isCall ? "Call" : "Put")"
    }

    /// The OptionChain for `request`; nil when the symbol is unknown.
    func chain(_ request: Request) -> JSONValue? {
        guard let underlying = MarketUniverse.lookup(request.symbol) else { return nil }
        let quote = pricer.model.snapshot(underlying, at: now)
        let spot = quote.last
        let step = OptionChainJSON.interval(for: spot)
        let atm = (spot / step).rounded() * step
        var strikes = (-12...12).map { atm + Double($0) * step }.filter { $0 > 0 }
        if let count = request.strikeCount, count > 0 {
            strikes = strikes.sorted { abs($0 - spot) < abs($1 - spot) }.prefix(count).sorted()
        }
        if let strike = request.strike { strikes = strikes.filter { $0 == strike } }
        let months = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
        let expiries = OptionCalendar.expirations(at: now).filter { expiry in
            if let from = request.fromDay, expiry.day < from { return false }
            if let to = request.toDay, expiry.day > to { return false }
            if request.expMonth != "ALL", months[SandboxDates.parts(expiry.day).month - 1] != request.expMonth {
                return false
            }
            return true
        }
        func map(isCall: Bool) -> JSONValue {
            var byExpiry: [(String, JSONValue)] = []
            for expiry in expiries {
                let p = SandboxDates.parts(expiry.day)
                let days = max(0, Int(((expiry.day - now) / 86_400).rounded(.up)))
                var byStrike: [(String, JSONValue)] = []
                for strike in strikes {
                    let inTheMoney = isCall ? strike < spot : strike > spot
                    switch request.range {
                    case "ITM" where !inTheMoney, "OTM" where inTheMoney: continue
                    case "NTM" where abs(strike - spot) > 3 * step: continue
                    default: break
                    }
                    let option = OptionSymbol(
                        root: underlying.symbol, year: p.year, month: p.month, day: p.day, isCall: isCall,
                        strike: strike)
                    guard let priced = pricer.option(option, at: now) else { continue }
                    byStrike.append(
                        (
                            strikeKey(strike),
                            [contract(option, priced.snapshot, priced.greeks, expiry: expiry, days: days, spot: spot)]
                        ))
                }
                byExpiry.append(("\(SandboxDates.day(expiry.day)):\(days)", .object(byStrike)))
            }
            return .object(byExpiry)
        }
        var members: [(String, JSONValue)] = [
            ("symbol", .string(underlying.symbol)), ("status", "SUCCESS"),
        ]
        if request.includeUnderlyingQuote {
            let range = pricer.model.range(underlying)
            members.append(
                (
                    "underlying",
                    .object([
                        ("ask", .double(quote.ask)), ("askSize", 100), ("bid", .double(quote.bid)), ("bidSize", 100),
                        ("change", .double(quote.netChange)), ("close", .double(quote.previousClose)),
                        ("delayed", false),
                        ("description", .string(underlying.description)),
                        ("exchangeName", .string(OptionChainJSON.chainExchange(underlying))),
                        ("fiftyTwoWeekHigh", .double(range.high)), ("fiftyTwoWeekLow", .double(range.low)),
                        ("highPrice", .double(quote.high)), ("last", .double(quote.last)),
                        ("lowPrice", .double(quote.low)),
                        ("mark", .double(quote.mark)),
                        ("markChange", .double(PriceModel.cents(quote.mark - quote.previousClose))),
                        ("markPercentChange", .double(quote.netPercentChange)), ("openPrice", .double(quote.open)),
                        ("percentChange", .double(quote.netPercentChange)), ("quoteTime", .int(Int(now * 1000))),
                        ("symbol", .string(underlying.symbol)), ("totalVolume", .int(quote.volume)),
                        ("tradeTime", .int(Int(now * 1000))),
                    ])
                ))
        }
        members += [
            ("strategy", .string(request.strategy)), ("interval", .double(request.interval)), ("isDelayed", false),
            ("isIndex", .bool(underlying.isIndex)), ("interestRate", .double(OptionPricer.interestRatePercent)),
            ("underlyingPrice", .double(spot)), ("volatility", .double(PriceModel.cents(underlying.volatility * 100))),
            ("daysToExpiration", 0),
            ("numberOfContracts", .int(expiries.count * strikes.count * (request.contractType == "ALL" ? 2 : 1))),
            ("callExpDateMap", request.contractType == "PUT" ? .object([]) : map(isCall: true)),
            ("putExpDateMap", request.contractType == "CALL" ? .object([]) : map(isCall: false)),
        ]
        return .object(members)
    }

    /// Java's `Double.toString` form of a strike, as the chain maps key them (`550.0`, `552.5`).
    func strikeKey(_ strike: Double) -> String {
        strike == strike.rounded() ? "\(Int(strike)).0" : String(strike)
    }

    private func contract(
        _ option: OptionSymbol, _ q: PriceSnapshot, _ g: OptionPricer.Result, expiry: OptionCalendar.Expiry, days: Int,
        spot: Double
    ) -> JSONValue {
        let intrinsic = PriceModel.cents(max(0, option.isCall ? spot - option.strike : option.strike - spot))
        let millis = Int(now * 1000)
        return .object([
            ("putCall", .string(option.isCall ? "CALL" : "PUT")), ("symbol", .string(option.description)),
            ("description", .string(OptionChainJSON.describe(option))), ("exchangeName", "OPR"),
            ("bid", .double(q.bid)), ("ask", .double(q.ask)), ("last", .double(q.last)), ("mark", .double(q.mark)),
            ("bidPrice", .double(q.bid)), ("askPrice", .double(q.ask)), ("lastPrice", .double(q.last)),
            ("markPrice", .double(q.mark)), ("bidSize", 10), ("askSize", 10), ("lastSize", 1),
            ("highPrice", .double(q.high)), ("lowPrice", .double(q.low)), ("openPrice", .double(q.open)),
            ("closePrice", .double(q.previousClose)), ("totalVolume", .int(q.volume)),
            ("quoteTimeInLong", .int(millis)), ("tradeTimeInLong", .int(millis)), ("netChange", .double(q.netChange)),
            ("volatility", .double(g.volatility)), ("delta", .double(g.delta)), ("gamma", .double(g.gamma)),
            ("theta", .double(g.theta)), ("vega", .double(g.vega)), ("rho", .double(g.rho)),
            ("timeValue", .double(PriceModel.cents(max(0, q.mark - intrinsic)))),
            ("openInterest", .double(Double(q.volume * 3))), ("isInTheMoney", .bool(intrinsic > 0)),
            ("theoreticalOptionValue", .double(PriceModel.cents(g.value))), ("theoreticalVolatility", 29),
            ("isMini", false), ("isNonStandard", false),
            (
                "optionDeliverablesList",
                [
                    .object([
                        ("symbol", .string(option.root)), ("assetType", "STOCK"), ("deliverableUnits", "100.0"),
                        ("currencyType", "USD"),
                    ])
                ]
            ),
            ("strikePrice", .double(option.strike)),
            ("expirationDate", .string(SandboxDates.isoMillis(option.expiryEpoch))),
            ("daysToExpiration", .int(days)), ("expirationType", .string(expiry.type)),
            ("lastTradingDay", .int(Int(option.expiryEpoch * 1000))), ("multiplier", 100),
            ("settlementType", "P"), ("deliverableNote", .string("100 shares of \(option.root)")),
            ("isIndexOption", false), ("percentChange", .double(q.netPercentChange)),
            ("markChange", .double(PriceModel.cents(q.mark - q.previousClose))),
            (
                "markPercentChange",
                .double(q.previousClose == 0 ? 0 : PriceModel.cents((q.mark - q.previousClose) / q.previousClose * 100))
            ),
            ("isPennyPilot", true), ("intrinsicValue", .double(intrinsic)), ("optionRoot", .string(option.root)),
        ])
    }

    /// The ExpirationChain for `symbol`; nil when unknown. Emits `expirationDate` as real
    /// payloads do (the spec's schema says `expiration`, its example `expirationDate`).
    func expirationChain(symbol: String) -> JSONValue? {
        guard MarketUniverse.lookup(symbol) != nil else { return nil }
        let list: [JSONValue] = OptionCalendar.expirations(at: now).map { expiry in
            .object([
                ("expirationDate", .string(SandboxDates.day(expiry.day))),
                ("daysToExpiration", .int(max(0, Int(((expiry.day - now) / 86_400).rounded(.up))))),
                ("expirationType", .string(expiry.type)), ("settlementType", "P"), ("optionRoots", .string(symbol)),
                ("standard", .bool(expiry.standard)),
            ])
        }
        return .object([("status", "SUCCESS"), ("expirationList", .array(list))])
    }
}
