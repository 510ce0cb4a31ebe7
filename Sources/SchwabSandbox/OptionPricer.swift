import Foundation

/// Black-Scholes prices and greeks for the sandbox's option chains and option orders.
///
/// Plausible, not precise: European formulas, a flat rate, the underlying's model volatility
/// with a gentle smile. Enough that deltas fall between 0 and 1, calls rise with the underlying
/// and premiums shrink toward expiry.
public enum OptionPricer {
    /// The flat annual interest rate the sandbox quotes (`interestRate` in chains), in percent.
    public static let interestRatePercent = 4.5

    /// Value and greeks of one contract per share.
    public struct Result: Sendable, Equatable {
        public let value: Double
        public let delta: Double
        public let gamma: Double
        public let theta: Double
        public let vega: Double
        public let rho: Double
        public let volatility: Double
    }

    /// Prices a call or put with `years` to expiry on an underlying at `spot`.
    public static func price(
        spot: Double, strike: Double, years: Double, baseVolatility: Double, isCall: Bool
    )
        -> Result
    {
        let moneyness = log(strike / spot)
        let sigma = baseVolatility * (1 + 0.8 * moneyness * moneyness + 0.1 * abs(moneyness))
        let r = interestRatePercent / 100
        let t = max(years, 1.0 / (365 * 24))
        let sqrtT = sqrt(t)
        let d1 = (log(spot / strike) + (r + sigma * sigma / 2) * t) / (sigma * sqrtT)
        let d2 = d1 - sigma * sqrtT
        let discount = exp(-r * t)
        let pdf = exp(-d1 * d1 / 2) / sqrt(2 * .pi)
        let value: Double
        let delta: Double
        let rho: Double
        let theta: Double
        if isCall {
            value = spot * cdf(d1) - strike * discount * cdf(d2)
            delta = cdf(d1)
            rho = strike * t * discount * cdf(d2) / 100
            theta = (-spot * pdf * sigma / (2 * sqrtT) - r * strike * discount * cdf(d2)) / 365
        } else {
            value = strike * discount * cdf(-d2) - spot * cdf(-d1)
            delta = cdf(d1) - 1
            rho = -strike * t * discount * cdf(-d2) / 100
            theta = (-spot * pdf * sigma / (2 * sqrtT) + r * strike * discount * cdf(-d2)) / 365
        }
        return Result(
            value: max(0.01, value), delta: round4(delta), gamma: round4(pdf / (spot * sigma * sqrtT)),
            theta: round4(theta), vega: round4(spot * pdf * sqrtT / 100), rho: round4(rho),
            volatility: (sigma * 100_000).rounded() / 1000)
    }

    /// The standard normal cumulative distribution.
    static func cdf(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }

    static func round4(_ x: Double) -> Double { (x * 10_000).rounded() / 10_000 }
}
