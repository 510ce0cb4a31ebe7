import EdgeCore

/// Renders `/pricehistory` ([M] CandleList) and validates its parameter combinations exactly as
/// the spec's description lists them (periodType → allowed periods and frequency types).
struct PriceHistoryJSON: Sendable {
    /// Where prices come from.
    let pricer: MarketPricer
    /// The instant the history ends at by default.
    let now: Double

    /// A renderer at `now`.
    init(pricer: MarketPricer, now: Double) {
        self.pricer = pricer
        self.now = now
    }

    static let periods: [String: [Int]] = [
        "day": [1, 2, 3, 4, 5, 10], "month": [1, 2, 3, 6], "year": [1, 2, 3, 5, 10, 15, 20], "ytd": [1],
    ]
    static let defaultPeriod: [String: Int] = ["day": 10, "month": 1, "year": 1, "ytd": 1]
    static let frequencyTypes: [String: [String]] = [
        "day": ["minute"], "month": ["daily", "weekly"], "year": ["daily", "weekly", "monthly"],
        "ytd": ["daily", "weekly"],
    ]
    static let defaultFrequencyType: [String: String] = [
        "day": "minute", "month": "weekly", "year": "monthly", "ytd": "weekly",
    ]

    /// The CandleList for the query, or a 400 naming the parameter at fault.
    func response(_ query: SandboxQuery) throws(SandboxError) -> JSONValue? {
        let symbol = try query.required("symbol")
        let periodType = try query.oneOf("periodType", ["day", "month", "year", "ytd"]) ?? "day"
        let period = try query.int("period") ?? PriceHistoryJSON.defaultPeriod[periodType]!
        guard PriceHistoryJSON.periods[periodType]!.contains(period) else {
            throw .badRequest(
                "period \(period) is not valid for periodType \(periodType); use one of "
                    + PriceHistoryJSON.periods[periodType]!.map(String.init).joined(separator: ", "),
                parameter: "period")
        }
        let frequencyType =
            try query.oneOf("frequencyType", ["minute", "daily", "weekly", "monthly"])
            ?? PriceHistoryJSON.defaultFrequencyType[periodType]!
        guard PriceHistoryJSON.frequencyTypes[periodType]!.contains(frequencyType) else {
            throw .badRequest(
                "frequencyType \(frequencyType) is not valid for periodType \(periodType); use "
                    + PriceHistoryJSON.frequencyTypes[periodType]!.joined(separator: " or "), parameter: "frequencyType"
            )
        }
        let frequency = try query.int("frequency") ?? 1
        let allowed = frequencyType == "minute" ? [1, 5, 10, 15, 30] : [1]
        guard allowed.contains(frequency) else {
            throw .badRequest(
                "frequency \(frequency) is not valid for frequencyType \(frequencyType); use "
                    + allowed.map(String.init).joined(separator: ", "), parameter: "frequency")
        }
        let extended = try query.bool("needExtendedHoursData") ?? false
        let wantsPreviousClose = try query.bool("needPreviousClose") ?? false
        guard let known = MarketUniverse.lookup(symbol) else { return nil }
        // The spec: "If not specified, the endDate will default to the market close of previous business day."
        let askedEnd = try query.int("endDate").map { Double($0) / 1000 } ?? previousBusinessClose()
        let askedStart: Double
        if let startMillis = try query.int("startDate") {
            askedStart = Double(startMillis) / 1000
        } else {
            switch periodType {
            case "day": askedStart = businessDaysBack(period, from: askedEnd)
            case "month": askedStart = askedEnd - Double(period) * 30.4 * 86_400
            case "year": askedStart = askedEnd - Double(period) * 365.25 * 86_400
            default:
                let p = SandboxDates.parts(askedEnd)
                askedStart = SandboxDates.epoch(year: p.year, month: 1, day: 1)
            }
        }
        guard askedStart <= askedEnd else {
            throw .badRequest("startDate must not be after endDate", parameter: "startDate")
        }
        guard askedStart >= 0 else {
            throw .badRequest("startDate and endDate must be epoch milliseconds after 1970", parameter: "startDate")
        }
        // Schwab answers any window with the candles it has (schwab-py asks for 1971 to a week
        // ahead): the window is cut to the history kept for this candle size, and to now.
        let start = max(askedStart, now - PriceHistoryJSON.depth(frequencyType: frequencyType, frequency: frequency))
        let end = min(askedEnd, now)
        var candles: [JSONValue] = []
        for (open, close) in buckets(
            from: start, to: end, type: frequencyType, frequency: frequency, extended: extended)
        {
            candles.append(candle(known, open: open, close: close))
        }
        var members: [(String, JSONValue)] = [
            ("symbol", .string(symbol)), ("empty", .bool(candles.isEmpty)), ("candles", .array(candles)),
        ]
        if wantsPreviousClose {
            let day = (start / 86_400).rounded(.down) * 86_400
            let previous = PriceModel.cents(pricer.model.price(known, at: day - 3 * 3600))
            members.insert(("previousClose", .double(previous)), at: 2)
            members.insert(("previousCloseDate", .int(Int((day - 3 * 3600) * 1000))), at: 3)
            members.insert(("previousCloseDateISO8601", .string(SandboxDates.isoMillis(day - 3 * 3600))), at: 4)
        }
        return .object(members)
    }

    /// Seconds of history kept for a candle size, as Schwab keeps it: about 48 days of one-minute
    /// candles, about nine months of the other minute sizes, and (the spec's longest period) 20
    /// years of daily, weekly and monthly ones.
    static func depth(frequencyType: String, frequency: Int) -> Double {
        switch (frequencyType, frequency) {
        case ("minute", 1): 48 * 86_400
        case ("minute", _): 270 * 86_400
        default: 20 * 365.25 * 86_400
        }
    }

    private func previousBusinessClose() -> Double {
        var day = (now / 86_400).rounded(.down) * 86_400 - 86_400
        while !MarketCalendar.isTradingDay(day) { day -= 86_400 }
        return day + 20 * 3600
    }

    private func businessDaysBack(_ count: Int, from t: Double) -> Double {
        var day = (t / 86_400).rounded(.down) * 86_400
        var remaining = count
        while remaining > 0 {
            if MarketCalendar.isTradingDay(day) { remaining -= 1 }
            if remaining > 0 { day -= 86_400 }
        }
        return day
    }

    /// The (open, close) times of each candle between `start` and `end`: regular hours are
    /// 13:30–20:00 UTC (extended 09:00–24:00) on NYSE trading days. `depth` bounds the window, so
    /// the longest answer (nine months of extended five-minute candles) stays near 35,000.
    private func buckets(
        from start: Double, to end: Double, type: String, frequency: Int, extended: Bool
    )
        -> [(Double, Double)]
    {
        var result: [(Double, Double)] = []
        var day = (start / 86_400).rounded(.down) * 86_400
        let lastDay = (end / 86_400).rounded(.down) * 86_400
        while day <= lastDay {
            let weekday = SandboxDates.parts(day).weekday
            if MarketCalendar.isTradingDay(day) {
                let open = day + (extended ? 9 : 13.5) * 3600
                let close = day + (extended ? 24 : 20) * 3600
                switch type {
                case "minute":
                    var t = open
                    let step = Double(frequency) * 60
                    while t + step <= close && t + step <= end {
                        if t >= start { result.append((t, t + step)) }
                        t += step
                    }
                case "daily":
                    if open >= start - 86_400 && open <= end { result.append((open, min(close, end))) }
                case "weekly":
                    let week = ((day / 86_400).rounded(.down) + 3) / 7
                    let lastWeek = result.last.map { (($0.0 / 86_400).rounded(.down) + 3) / 7 }
                    if lastWeek.map({ $0.rounded(.down) != week.rounded(.down) }) ?? true {
                        let friday = day + Double(5 - weekday) * 86_400
                        result.append((open, min(friday + 20 * 3600, end)))
                    }
                default:
                    let p = SandboxDates.parts(day)
                    if p.day <= 3 && (result.last.map { SandboxDates.parts($0.0).month != p.month } ?? true) {
                        result.append((open, min(day + 28 * 86_400, end)))
                    }
                }
            }
            day += 86_400
        }
        return result
    }

    private func candle(_ symbol: MarketSymbol, open: Double, close: Double) -> JSONValue {
        let first = pricer.model.price(symbol, at: open)
        let last = pricer.model.price(symbol, at: close)
        var high = max(first, last)
        var low = min(first, last)
        let samples = 6
        for i in 1..<samples {
            let p = pricer.model.price(symbol, at: open + (close - open) * Double(i) / Double(samples))
            high = max(high, p)
            low = min(low, p)
        }
        let volume =
            Int(SplitMix64.unit(seed: pricer.model.seed ^ SplitMix64.hash(symbol.symbol), key: UInt64(open)) * 50_000)
            + Int((close - open) / 60) * 1_000
        return .object([
            ("open", .double(PriceModel.cents(first))), ("high", .double(PriceModel.cents(high))),
            ("low", .double(PriceModel.cents(low))), ("close", .double(PriceModel.cents(last))),
            ("volume", .int(volume)), ("datetime", .int(Int(open * 1000))),
            ("datetimeISO8601", .string(SandboxDates.isoMillis(open))),
        ])
    }
}
