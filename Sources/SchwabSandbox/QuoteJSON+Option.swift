import EdgeCore

extension QuoteJSON {
    /// An OptionResponse: the contract's quote with greeks, and its reference data.
    func optionQuote(
        _ option: OptionSymbol, _ q: PriceSnapshot, _ g: OptionPricer.Result, fields: Set<String>
    )
        -> JSONValue
    {
        let millis = Int(now * 1000)
        let spot = MarketUniverse.lookup(option.root).map { pricer.model.price($0, at: now) } ?? 0
        let intrinsic = max(0, option.isCall ? spot - option.strike : option.strike - spot)
        var members: [(String, JSONValue)] = [
            ("assetMainType", "OPTION"), ("realtime", true),
            ("ssid", .int(Int(SplitMix64.hash(option.description) % 2_000_000_000))),
            ("symbol", .string(option.description)),
        ]
        if fields.contains("quote") {
            members.append(
                (
                    "quote",
                    .object([
                        ("52WeekHigh", .double(q.high)), ("52WeekLow", .double(q.low)), ("askPrice", .double(q.ask)),
                        ("askSize", 10), ("bidPrice", .double(q.bid)), ("bidSize", 10),
                        ("closePrice", .double(q.previousClose)), ("delta", .double(g.delta)),
                        ("gamma", .double(g.gamma)),
                        ("highPrice", .double(q.high)), ("indAskPrice", 0), ("indBidPrice", 0), ("indQuoteTime", 0),
                        ("impliedYield", 0), ("lastPrice", .double(q.last)), ("lastSize", 1),
                        ("lowPrice", .double(q.low)),
                        ("mark", .double(q.mark)), ("markChange", .double(PriceModel.cents(q.mark - q.previousClose))),
                        ("markPercentChange", .double(percent(q.mark, q.previousClose))),
                        ("moneyIntrinsicValue", .double(PriceModel.cents(intrinsic))),
                        ("netChange", .double(q.netChange)),
                        ("netPercentChange", .double(q.netPercentChange)),
                        ("openInterest", .double(Double(q.volume * 3))),
                        ("openPrice", .double(q.open)), ("quoteTime", .int(millis)), ("rho", .double(g.rho)),
                        ("securityStatus", "Normal"), ("theoreticalOptionValue", .double(PriceModel.cents(g.value))),
                        ("theta", .double(g.theta)),
                        ("timeValue", .double(PriceModel.cents(max(0, q.mark - intrinsic)))),
                        ("totalVolume", .int(q.volume)), ("tradeTime", .int(millis)),
                        ("underlyingPrice", .double(PriceModel.cents(spot))), ("vega", .double(g.vega)),
                        ("volatility", .double(g.volatility)),
                    ])
                ))
        }
        if fields.contains("reference") {
            let days = Int(((option.expiryEpoch - now) / 86_400).rounded(.down))
            members.append(
                (
                    "reference",
                    .object([
                        ("contractType", .string(option.isCall ? "C" : "P")),
                        ("daysToExpiration", .int(max(0, days))), ("deliverables", .string("100 \(option.root)")),
                        ("description", .string(OptionChainJSON.describe(option))), ("exchange", "o"),
                        ("exchangeName", "OPR"), ("exerciseType", "A"), ("expirationDay", .int(option.day)),
                        ("expirationMonth", .int(option.month)), ("expirationYear", .int(option.year)),
                        ("isPennyPilot", true), ("lastTradingDay", .int(Int(option.expiryEpoch * 1000))),
                        ("multiplier", 100), ("settlementType", "P"), ("strikePrice", .double(option.strike)),
                        ("underlying", .string(option.root)),
                    ])
                ))
        }
        return .object(members)
    }
}
