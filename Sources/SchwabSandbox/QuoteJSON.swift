import EdgeCore

/// Renders Market Data quotes ([M] QuoteResponse): a map from symbol to EquityResponse,
/// IndexResponse or OptionResponse, and an `errors` entry (QuoteError) for unknown symbols.
public struct QuoteJSON: Sendable {
    /// Where prices come from.
    public let pricer: MarketPricer
    /// The instant quoted.
    public let now: Double

    /// The `fields` groups a quote can carry.
    public static let fieldGroups = ["quote", "fundamental", "extended", "reference", "regular"]

    /// A renderer at `now`.
    public init(pricer: MarketPricer, now: Double) {
        self.pricer = pricer
        self.now = now
    }

    /// Parses `fields` (comma-separated, default all); 400 names a bad value.
    public static func fields(_ text: String?) throws(SandboxError) -> Set<String> {
        guard let text, !text.isEmpty, text != "all" else { return Set(fieldGroups) }
        var set: Set<String> = []
        for part in text.split(separator: ",") {
            let name = String(part.trimmingSpaces)
            guard fieldGroups.contains(name) else {
                throw SandboxError.badRequest(
                    "fields '\(name)' is not one of \(fieldGroups.joined(separator: ", "))", parameter: "fields")
            }
            set.insert(name)
        }
        return set
    }

    /// The QuoteResponse map for `symbols`.
    public func response(symbols: [String], fields: Set<String>) -> JSONValue {
        var members: [(String, JSONValue)] = []
        var invalid: [JSONValue] = []
        for symbol in symbols where !members.contains(where: { $0.0 == symbol }) {
            if let quote = quote(symbol, fields: fields) {
                members.append((symbol, quote))
            } else if !invalid.contains(.string(symbol)) {
                invalid.append(.string(symbol))
            }
        }
        if !invalid.isEmpty { members.append(("errors", .object([("invalidSymbols", .array(invalid))]))) }
        return .object(members)
    }

    /// One quote object, or nil for an unknown symbol.
    public func quote(_ symbol: String, fields: Set<String>) -> JSONValue? {
        if let known = MarketUniverse.lookup(symbol) {
            return known.isIndex ? index(known, fields: fields) : equity(known, fields: fields)
        }
        if let option = OptionSymbol(occ: symbol), let priced = pricer.option(option, at: now) {
            return optionQuote(option, priced.snapshot, priced.greeks, fields: fields)
        }
        return nil
    }

    private var millis: Int { Int(now * 1000) }

    private func ssid(_ symbol: String) -> JSONValue { .int(Int(SplitMix64.hash(symbol) % 2_000_000_000)) }

    private func equity(_ symbol: MarketSymbol, fields: Set<String>) -> JSONValue {
        let q = pricer.model.snapshot(symbol, at: now)
        let range = pricer.model.range(symbol)
        var members: [(String, JSONValue)] = [
            ("assetMainType", "EQUITY"), ("assetSubType", .string(symbol.subType ?? "COE")), ("quoteType", "NBBO"),
            ("realtime", true), ("ssid", ssid(symbol.symbol)), ("symbol", .string(symbol.symbol)),
        ]
        let size = 100 + Int(SplitMix64.hash(symbol.symbol) % 9) * 100
        if fields.contains("extended") {
            members.append(
                (
                    "extended",
                    .object([
                        ("askPrice", .double(q.ask)), ("askSize", .int(size)), ("bidPrice", .double(q.bid)),
                        ("bidSize", .int(size)), ("lastPrice", .double(q.last)), ("lastSize", 100),
                        ("mark", .double(q.mark)), ("quoteTime", .int(millis)), ("totalVolume", 0),
                        ("tradeTime", .int(millis)),
                    ])
                ))
        }
        if fields.contains("fundamental") {
            let dividend = PriceModel.cents(symbol.basePrice * symbol.dividendYield / 100)
            members.append(
                (
                    "fundamental",
                    .object([
                        ("avg10DaysVolume", .double(Double(q.volume) * 1.1)),
                        ("avg1YearVolume", .double(Double(q.volume) * 1.2)),
                        ("declarationDate", "2024-02-01T00:00:00Z"), ("divAmount", .double(dividend)),
                        ("divExDate", "2024-02-15T00:00:00Z"), ("divFreq", dividend > 0 ? 4 : .null),
                        ("divPayAmount", .double(PriceModel.cents(dividend / 4))),
                        ("divPayDate", "2024-03-14T00:00:00Z"),
                        ("divYield", .double(symbol.dividendYield)),
                        ("eps", .double(symbol.peRatio > 0 ? PriceModel.cents(symbol.basePrice / symbol.peRatio) : 0)),
                        ("fundLeverageFactor", 0), ("nextDivExDate", "2024-05-15T00:00:00Z"),
                        ("nextDivPayDate", "2024-06-14T00:00:00Z"), ("peRatio", .double(symbol.peRatio)),
                    ])
                ))
        }
        if fields.contains("quote") {
            members.append(
                (
                    "quote",
                    .object([
                        ("52WeekHigh", .double(range.high)), ("52WeekLow", .double(range.low)), ("askMICId", "XNAS"),
                        ("askPrice", .double(q.ask)), ("askSize", .int(size)), ("askTime", .int(millis)),
                        ("bidMICId", "XNAS"), ("bidPrice", .double(q.bid)), ("bidSize", .int(size)),
                        ("bidTime", .int(millis)), ("closePrice", .double(q.previousClose)),
                        ("highPrice", .double(q.high)),
                        ("lastMICId", "XNAS"), ("lastPrice", .double(q.last)), ("lastSize", 100),
                        ("lowPrice", .double(q.low)), ("mark", .double(q.mark)),
                        ("markChange", .double(PriceModel.cents(q.mark - q.previousClose))),
                        ("markPercentChange", .double(percent(q.mark, q.previousClose))),
                        ("netChange", .double(q.netChange)), ("netPercentChange", .double(q.netPercentChange)),
                        ("openPrice", .double(q.open)), ("quoteTime", .int(millis)), ("securityStatus", "Normal"),
                        ("totalVolume", .int(q.volume)), ("tradeTime", .int(millis)),
                        ("volatility", .double(symbol.volatility)),
                    ])
                ))
        }
        if fields.contains("reference") {
            members.append(
                (
                    "reference",
                    .object([
                        ("cusip", .string(symbol.cusip)), ("description", .string(symbol.description)),
                        ("exchange", .string(symbol.exchange)), ("exchangeName", .string(symbol.exchangeName)),
                        ("isHardToBorrow", false), ("isShortable", true), ("htbRate", 0),
                    ])
                ))
        }
        if fields.contains("regular") {
            members.append(
                (
                    "regular",
                    .object([
                        ("regularMarketLastPrice", .double(q.last)), ("regularMarketLastSize", 100),
                        ("regularMarketNetChange", .double(q.netChange)),
                        ("regularMarketPercentChange", .double(q.netPercentChange)),
                        ("regularMarketTradeTime", .int(millis)),
                    ])
                ))
        }
        return .object(members)
    }

    private func index(_ symbol: MarketSymbol, fields: Set<String>) -> JSONValue {
        let q = pricer.model.snapshot(symbol, at: now)
        let range = pricer.model.range(symbol)
        var members: [(String, JSONValue)] = [
            ("assetMainType", "INDEX"), ("realtime", true), ("ssid", ssid(symbol.symbol)),
            ("symbol", .string(symbol.symbol)),
        ]
        if fields.contains("quote") {
            members.append(
                (
                    "quote",
                    .object([
                        ("52WeekHigh", .double(range.high)), ("52WeekLow", .double(range.low)),
                        ("closePrice", .double(q.previousClose)), ("highPrice", .double(q.high)),
                        ("lastPrice", .double(q.last)), ("lowPrice", .double(q.low)),
                        ("netChange", .double(q.netChange)),
                        ("netPercentChange", .double(q.netPercentChange)), ("openPrice", .double(q.open)),
                        ("securityStatus", "Unknown"), ("totalVolume", .int(q.volume * 50)),
                        ("tradeTime", .int(millis)),
                    ])
                ))
        }
        if fields.contains("reference") {
            members.append(
                (
                    "reference",
                    .object([
                        ("description", .string(symbol.description)), ("exchange", "0"), ("exchangeName", "Index"),
                    ])
                ))
        }
        return .object(members)
    }

    func percent(_ value: Double, _ base: Double) -> Double {
        base == 0 ? 0 : ((value - base) / base * 10_000).rounded() / 100
    }
}
