/// Bid, ask and last for any instrument the sandbox trades: equities from `PriceModel`, options
/// from Black-Scholes on the underlying's model price.
public struct MarketPricer: Sendable {
    /// The equity price model (its seed decides every price).
    public let model: PriceModel

    /// A pricer over `model`.
    public init(model: PriceModel) { self.model = model }

    /// Prices of an option contract at `t`, per share.
    public func option(_ option: OptionSymbol, at t: Double) -> (snapshot: PriceSnapshot, greeks: OptionPricer.Result)?
    {
        guard let underlying = MarketUniverse.lookup(option.root) else { return nil }
        let spot = model.price(underlying, at: t)
        let years = max(0, option.expiryEpoch - t) / (365 * 86_400)
        let greeks = OptionPricer.price(
            spot: spot, strike: option.strike, years: years, baseVolatility: underlying.volatility,
            isCall: option.isCall)
        let close = OptionPricer.price(
            spot: model.price(underlying, at: (t / 86_400).rounded(.down) * 86_400 - 3 * 3600),
            strike: option.strike, years: years + 1.0 / 365, baseVolatility: underlying.volatility,
            isCall: option.isCall)
        let value = PriceModel.cents(greeks.value)
        let spread = max(0.01, PriceModel.cents(value * 0.02))
        let bid = max(0, PriceModel.cents(value - spread / 2))
        let ask = PriceModel.cents(bid + spread)
        let previousClose = PriceModel.cents(close.value)
        let volume = Int(SplitMix64.unit(seed: model.seed, key: SplitMix64.hash(option.description)) * 5_000)
        let snapshot = PriceSnapshot(
            bid: bid, ask: ask, last: value, open: previousClose, high: max(value, previousClose),
            low: min(value, previousClose), previousClose: previousClose, volume: volume)
        return (snapshot, greeks)
    }

    /// Prices of `symbol` (a ticker or an OCC option symbol) at `t`, or nil when unknown.
    public func snapshot(symbol: String, at t: Double) -> PriceSnapshot? {
        if let equity = MarketUniverse.lookup(symbol) { return model.snapshot(equity, at: t) }
        if let parsed = OptionSymbol(occ: symbol) { return option(parsed, at: t)?.snapshot }
        return nil
    }
}
