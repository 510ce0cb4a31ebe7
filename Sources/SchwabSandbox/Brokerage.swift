/// The sandbox's brokerage: every demo account's books and the order engine, free of I/O.
///
/// A value type driven by mutating calls that receive the time: `place`, `cancel`, `replace`,
/// and `advance(to:)`, which walks market time forward minute by minute and fills working
/// orders whose price conditions were met. Reads call `advance` first, so fills happen lazily
/// exactly when the model's quote crossed, whatever the polling pattern.
public struct Brokerage: Sendable {
    /// The demo users and their accounts.
    public let users: [DemoUser]
    /// Prices for fills and valuations.
    public let pricer: MarketPricer
    /// Books by plain account number.
    public internal(set) var ledgers: [String: AccountLedger] = [:]
    /// Every order by id.
    public internal(set) var orders: [Int64: SandboxOrder] = [:]
    var numberByHash: [String: String] = [:]
    var nextOrderId: Int64
    var nextTransactionId: Int64

    /// Opens every demo account at time `now` with positions, past orders and transactions.
    public init(users: [DemoUser], pricer: MarketPricer, seed: UInt64, now: Double) {
        self.users = users
        self.pricer = pricer
        var generator = SplitMix64(seed: seed, label: "ids")
        nextOrderId = 1_000_000_000 + Int64(generator.next() % 1_000_000) * 1000
        nextTransactionId = 80_000_000_000 + Int64(generator.next() % 1_000_000) * 1000
        for user in users {
            for account in user.accounts {
                numberByHash[account.hash] = account.number
                ledgers[account.number] = openingBooks(account, now: now)
            }
        }
    }

    /// The plain account number for a hash, or 404 as for an account this user cannot see.
    public func accountNumber(forHash hash: String, of user: DemoUser) throws(SandboxError) -> String {
        guard let number = numberByHash[hash], user.accounts.contains(where: { $0.number == number }) else {
            throw SandboxError(
                code: "not_found", status: 404,
                message: "Invalid account number: no account of this user has the hash '\(hash.prefix(12))...'; "
                    + "call GET /accounts/accountNumbers for the hashes")
        }
        return number
    }

    /// An order of `account` by id, or 404.
    public func order(_ id: Int64, account: String) throws(SandboxError) -> SandboxOrder {
        guard let order = orders[id], order.accountNumber == account else {
            throw SandboxError.notFound("Order \(id) was not found in this account")
        }
        return order
    }

    private mutating func openingBooks(_ account: DemoAccount, now: Double) -> AccountLedger {
        var ledger = AccountLedger(account: account, cash: account.openingCash, openingCash: account.openingCash)
        var deposit = account.openingCash
        var history: [SandboxTransaction] = []
        for holding in account.holdings {
            let time = (now / 86_400).rounded(.down) * 86_400 - Double(holding.daysAgo) * 86_400 + 15 * 3600
            guard let quote = pricer.snapshot(symbol: holding.symbol, at: time) else { continue }
            let isOption = OptionSymbol(occ: holding.symbol) != nil
            let assetType = isOption ? "OPTION" : "EQUITY"
            let multiplier = isOption ? 100.0 : 1
            let cost = quote.ask * holding.quantity * multiplier
            deposit += cost
            let id = nextOrderId
            nextOrderId += 1
            let instruction = isOption ? "BUY_TO_OPEN" : "BUY"
            let leg = OrderTicket.Leg(
                instruction: instruction, quantity: holding.quantity, symbol: holding.symbol, assetType: assetType,
                option: OptionSymbol(occ: holding.symbol))
            let ticket = OrderTicket(
                session: "NORMAL", duration: "DAY", orderType: "MARKET", strategy: "SINGLE", price: nil,
                stopPrice: nil, legs: [leg], children: [])
            var order = SandboxOrder(
                id: id, accountNumber: account.number, ticket: ticket, status: "FILLED", enteredTime: time,
                checkedUntil: time)
            order.fills = [SandboxOrder.Fill(price: quote.ask, quantity: holding.quantity, time: time + 1)]
            order.closeTime = time + 1
            orders[id] = order
            ledger.orderIds.append(id)
            _ = ledger.apply(symbol: holding.symbol, assetType: assetType, delta: holding.quantity, price: quote.ask)
            history.append(
                SandboxTransaction(
                    id: takeTransactionId(), type: "TRADE", time: time + 1,
                    description: "\(instruction) \(Int(holding.quantity)) \(holding.symbol)", netAmount: -cost,
                    orderId: id, symbol: holding.symbol, quantity: holding.quantity, price: quote.ask,
                    positionEffect: "OPENING", commission: 0))
        }
        let depositTime = (now / 86_400).rounded(.down) * 86_400 - 60 * 86_400 + 14 * 3600
        ledger.transactions.append(
            SandboxTransaction(
                id: takeTransactionId(), type: "ACH_RECEIPT", time: depositTime, description: "ACH DEPOSIT",
                netAmount: deposit, orderId: nil, symbol: nil, quantity: 0, price: 0, positionEffect: nil,
                commission: 0))
        ledger.transactions += history.sorted { $0.time < $1.time }
        let interest = PriceModel.cents(account.openingCash * 0.0004)
        ledger.transactions.append(
            SandboxTransaction(
                id: takeTransactionId(), type: "DIVIDEND_OR_INTEREST", time: depositTime + 30 * 86_400,
                description: "SCHWAB1 INT", netAmount: interest, orderId: nil, symbol: nil, quantity: 0, price: 0,
                positionEffect: nil, commission: 0))
        ledger.cash += interest
        ledger.openingCash = ledger.cash
        for index in ledger.holdings.indices {
            ledger.holdings[index].openingQuantity = ledger.holdings[index].quantity
        }
        return ledger
    }

    mutating func takeTransactionId() -> Int64 {
        defer { nextTransactionId += 1 }
        return nextTransactionId
    }

    mutating func takeOrderId() -> Int64 {
        defer { nextOrderId += 1 }
        return nextOrderId
    }
}
