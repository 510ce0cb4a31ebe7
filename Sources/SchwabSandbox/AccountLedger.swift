/// One account's books: cash, positions, the ids of its orders, and its transactions.
public struct AccountLedger: Sendable {
    /// The account as it was opened.
    public let account: DemoAccount
    /// Cash now (negative on margin means a debit balance).
    public var cash: Double
    /// Cash at the start of the sandbox day (`initialBalances`).
    public var openingCash: Double
    /// Positions in the order they were opened; closed ones are removed.
    public var holdings: [Holding] = []
    /// Every order id of this account, oldest first.
    public var orderIds: [Int64] = []
    /// Transactions, oldest first.
    public var transactions: [SandboxTransaction] = []

    /// True for margin accounts (short selling and writing options allowed).
    public var isMargin: Bool { account.type == "MARGIN" }

    /// The position in `symbol`, if any.
    public func holding(_ symbol: String) -> Holding? { holdings.first { $0.symbol == symbol } }

    /// Applies a signed quantity change at `price`: averages up when adding, keeps the average
    /// when reducing, starts over when the position flips side. Returns OPENING or CLOSING.
    mutating func apply(symbol: String, assetType: String, delta: Double, price: Double) -> String {
        guard let index = holdings.firstIndex(where: { $0.symbol == symbol }) else {
            holdings.append(
                Holding(symbol: symbol, assetType: assetType, quantity: delta, averagePrice: price, openingQuantity: 0))
            return "OPENING"
        }
        var holding = holdings[index]
        let before = holding.quantity
        let after = before + delta
        let effect: String
        if before == 0 || (before > 0) == (delta > 0) {
            holding.averagePrice = (holding.averagePrice * abs(before) + price * abs(delta)) / abs(after)
            effect = "OPENING"
        } else if after != 0 && (after > 0) != (before > 0) {
            holding.averagePrice = price
            effect = "CLOSING"
        } else {
            effect = "CLOSING"
        }
        holding.quantity = after
        if after == 0 && holding.openingQuantity == 0 {
            holdings.remove(at: index)
        } else {
            holdings[index] = holding
        }
        return effect
    }
}
