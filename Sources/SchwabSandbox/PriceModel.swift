import Foundation

/// Prices as deterministic functions of (seed, symbol, time): quotes "move over time from a seed".
///
/// The log price is a sum of three sine waves (weeks, days, an hour and a half) with phases drawn
/// from the seed, plus per-minute noise interpolated linearly. The same (seed, symbol, t) always
/// gives the same price, so quotes, candles and order fills agree without storing any history,
/// and moving the clock forward moves the market.
public struct PriceModel: Sendable {
    /// The seed every phase and noise value derives from.
    public let seed: UInt64

    /// A model for `seed`.
    public init(seed: UInt64) { self.seed = seed }

    /// The mid price of `symbol` at epoch seconds `t`.
    public func price(_ symbol: MarketSymbol, at t: Double) -> Double {
        let key = SplitMix64.hash(symbol.symbol)
        var phases = SplitMix64(seed: seed ^ key)
        let p1 = phases.unit() * 2 * .pi
        let p2 = phases.unit() * 2 * .pi
        let p3 = phases.unit() * 2 * .pi
        let sigma = symbol.volatility
        var log = 0.12 * sigma * sin(2 * .pi * t / (40 * 86_400) + p1)
        log += 0.05 * sigma * sin(2 * .pi * t / (3.3 * 86_400) + p2)
        log += 0.03 * sigma * sin(2 * .pi * t / (97 * 60) + p3)
        let minute = (t / 60).rounded(.down)
        let weight = t / 60 - minute
        let n0 = SplitMix64.unit(seed: seed ^ key, key: UInt64(bitPattern: Int64(minute))) - 0.5
        let n1 = SplitMix64.unit(seed: seed ^ key, key: UInt64(bitPattern: Int64(minute + 1))) - 0.5
        log += 0.004 * sigma * (n0 * (1 - weight) + n1 * weight)
        return symbol.basePrice * exp(log)
    }

    /// The highest and lowest prices the model can ever produce for `symbol` (the 52-week range).
    public func range(_ symbol: MarketSymbol) -> (low: Double, high: Double) {
        let bound = 0.202 * symbol.volatility
        return (PriceModel.cents(symbol.basePrice * exp(-bound)), PriceModel.cents(symbol.basePrice * exp(bound)))
    }

    /// A full quote at time `t`: bid, ask, last, the day's open/high/low, previous close, volume.
    public func snapshot(_ symbol: MarketSymbol, at t: Double) -> PriceSnapshot {
        let mid = price(symbol, at: t)
        let spread = symbol.isIndex ? 0 : max(0.01, PriceModel.cents(mid * 0.0002))
        let bid = PriceModel.cents(mid - spread / 2)
        let ask = PriceModel.cents(bid + spread)
        let dayStart = (t / 86_400).rounded(.down) * 86_400
        let open = PriceModel.cents(price(symbol, at: dayStart + 13.5 * 3600))
        let previousClose = PriceModel.cents(price(symbol, at: dayStart - 3 * 3600))
        var high = max(open, PriceModel.cents(mid))
        var low = min(open, PriceModel.cents(mid))
        var sample = dayStart + 13.5 * 3600
        while sample < t {
            let p = PriceModel.cents(price(symbol, at: sample))
            high = max(high, p)
            low = min(low, p)
            sample += 1800
        }
        let dayKey = UInt64(bitPattern: Int64(dayStart / 86_400))
        let dailyVolume =
            2_000_000 + SplitMix64.unit(seed: seed ^ SplitMix64.hash(symbol.symbol), key: dayKey) * 40_000_000
        let fraction = min(1, max(0.02, (t - dayStart - 13.5 * 3600) / (6.5 * 3600)))
        return PriceSnapshot(
            bid: bid, ask: ask, last: PriceModel.cents(mid), open: open, high: high, low: low,
            previousClose: previousClose, volume: Int(dailyVolume * fraction))
    }

    /// `value` rounded to cents, the tick every sandbox price uses.
    public static func cents(_ value: Double) -> Double { (value * 100).rounded() / 100 }
}

/// A symbol's prices at one instant.
public struct PriceSnapshot: Sendable, Equatable {
    public let bid: Double
    public let ask: Double
    public let last: Double
    public let open: Double
    public let high: Double
    public let low: Double
    public let previousClose: Double
    public let volume: Int

    /// The midpoint of bid and ask.
    public var mark: Double { PriceModel.cents((bid + ask) / 2) }
    /// Last minus previous close.
    public var netChange: Double { PriceModel.cents(last - previousClose) }
    /// Net change as a percentage of the previous close.
    public var netPercentChange: Double {
        previousClose == 0 ? 0 : ((last - previousClose) / previousClose * 10_000).rounded() / 100
    }
}
