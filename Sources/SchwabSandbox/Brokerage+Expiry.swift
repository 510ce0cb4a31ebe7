extension Brokerage {
    /// Settles option positions whose expiry has passed by `now`: out of the money they expire
    /// worthless, in the money they are cash-settled at intrinsic value (the sandbox's stand-in
    /// for exercise and assignment), each with a RECEIVE_AND_DELIVER transaction as Schwab books
    /// expirations.
    mutating func settleExpiredOptions(at now: Double) {
        for (number, ledger) in ledgers {
            let expired = ledger.holdings.filter { holding in
                guard holding.assetType == "OPTION", let option = OptionSymbol(occ: holding.symbol) else {
                    return false
                }
                return option.expiryEpoch <= now
            }
            guard !expired.isEmpty else { continue }
            var books = ledger
            for holding in expired {
                guard let option = OptionSymbol(occ: holding.symbol),
                    let underlying = MarketUniverse.lookup(option.root)
                else { continue }
                let spot = pricer.model.price(underlying, at: option.expiryEpoch)
                let intrinsic = PriceModel.cents(max(0, option.isCall ? spot - option.strike : option.strike - spot))
                let amount = PriceModel.cents(intrinsic * holding.quantity * 100)
                books.cash = PriceModel.cents(books.cash + amount)
                books.holdings.removeAll { $0.symbol == holding.symbol }
                books.transactions.append(
                    SandboxTransaction(
                        id: takeTransactionId(), type: "RECEIVE_AND_DELIVER", time: option.expiryEpoch,
                        description: intrinsic > 0
                            ? "OPTION EXERCISE/ASSIGNMENT (cash-settled) \(holding.symbol)"
                            : "OPTION EXPIRATION \(holding.symbol)",
                        netAmount: amount, orderId: nil, symbol: holding.symbol, quantity: -holding.quantity,
                        price: intrinsic, positionEffect: "CLOSING", commission: 0))
            }
            ledgers[number] = books
        }
    }
}
