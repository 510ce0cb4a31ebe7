import EdgeCore

/// Renders the brokerage's books as Trader API JSON ([T] components: Account, Position, Order,
/// Transaction, UserPreference), with the field names and value forms real responses use.
public struct TraderJSON: Sendable {
    /// The books to render.
    public let brokerage: Brokerage
    /// The time balances and positions are valued at.
    public let now: Double

    /// A renderer over a snapshot of `brokerage` at `now`.
    public init(brokerage: Brokerage, now: Double) {
        self.brokerage = brokerage
        self.now = now
    }

    /// `[{accountNumber, hashValue}]` for the user's accounts.
    public func accountNumbers(_ user: DemoUser) -> JSONValue {
        .array(
            user.accounts.map {
                .object([("accountNumber", .string($0.number)), ("hashValue", .string($0.hash))])
            })
    }

    /// One Account resource: `{securitiesAccount, aggregatedBalance}`.
    public func account(_ number: String, positions: Bool) -> JSONValue {
        guard let ledger = brokerage.ledgers[number] else { return .null }
        let (long, short) = brokerage.marketValues(ledger, at: now)
        let liquidation = PriceModel.cents(ledger.cash + long - short)
        var members: [(String, JSONValue)] = [
            ("type", .string(ledger.account.type)), ("accountNumber", .string(number)), ("roundTrips", 0),
            ("isDayTrader", false), ("isClosingOnlyRestricted", false), ("pfcbFlag", false),
        ]
        if positions { members.append(("positions", .array(ledger.holdings.map(position)))) }
        members += balances(ledger, long: long, short: short)
        return .object([
            ("securitiesAccount", .object(members)),
            (
                "aggregatedBalance",
                .object([
                    ("currentLiquidationValue", .double(liquidation)), ("liquidationValue", .double(liquidation)),
                ])
            ),
        ])
    }

    private func balances(_ ledger: AccountLedger, long: Double, short: Double) -> [(String, JSONValue)] {
        let cash = PriceModel.cents(ledger.cash)
        let equity = PriceModel.cents(cash + long - short)
        let buyingPower = brokerage.buyingPower(account: ledger.account.number, now: now)
        let opening = PriceModel.cents(ledger.openingCash)
        if ledger.isMargin {
            let maintenance = PriceModel.cents(0.25 * (long + short))
            let initial: JSONValue = .object([
                ("accruedInterest", 0), ("availableFundsNonMarginableTrade", .double(max(0, cash))),
                ("bondValue", 0), ("buyingPower", .double(buyingPower)), ("cashBalance", .double(opening)),
                ("cashAvailableForTrading", .double(max(0, opening))), ("cashReceipts", 0),
                ("dayTradingBuyingPower", .double(PriceModel.cents(buyingPower * 2))),
                ("dayTradingBuyingPowerCall", 0), ("dayTradingEquityCall", 0), ("equity", .double(equity)),
                ("equityPercentage", 100), ("liquidationValue", .double(equity)),
                ("longMarginValue", .double(PriceModel.cents(long))), ("longOptionMarketValue", 0),
                ("longStockValue", .double(PriceModel.cents(long))), ("maintenanceCall", 0),
                ("maintenanceRequirement", .double(maintenance)), ("margin", .double(max(0, opening))),
                ("marginEquity", .double(equity)), ("moneyMarketFund", 0), ("mutualFundValue", 0), ("regTCall", 0),
                ("shortMarginValue", .double(PriceModel.cents(short))), ("shortOptionMarketValue", 0),
                ("shortStockValue", .double(PriceModel.cents(short))), ("totalCash", .double(opening)),
                ("isInCall", 0), ("pendingDeposits", 0), ("marginBalance", .double(min(0, opening))),
                ("shortBalance", 0), ("accountValue", .double(equity)),
            ])
            let current: JSONValue = .object([
                ("availableFunds", .double(PriceModel.cents(buyingPower / 2))),
                ("availableFundsNonMarginableTrade", .double(max(0, cash))), ("buyingPower", .double(buyingPower)),
                ("buyingPowerNonMarginableTrade", .double(max(0, cash))),
                ("dayTradingBuyingPower", .double(PriceModel.cents(buyingPower * 2))),
                ("dayTradingBuyingPowerCall", 0), ("equity", .double(equity)),
                ("equityPercentage", .double(long > 0 ? min(100, PriceModel.cents(equity / long * 100)) : 100)),
                ("longMarginValue", .double(PriceModel.cents(long))), ("maintenanceCall", 0),
                ("maintenanceRequirement", .double(maintenance)), ("marginBalance", .double(min(0, cash))),
                ("regTCall", 0), ("shortBalance", 0), ("shortMarginValue", .double(PriceModel.cents(short))),
                ("sma", .double(PriceModel.cents(buyingPower / 2))), ("isInCall", 0),
                ("stockBuyingPower", .double(buyingPower)),
                ("optionBuyingPower", .double(PriceModel.cents(buyingPower / 2))),
            ])
            return [("initialBalances", initial), ("currentBalances", current), ("projectedBalances", current)]
        }
        let initial: JSONValue = .object([
            ("accruedInterest", 0), ("cashAvailableForTrading", .double(opening)),
            ("cashAvailableForWithdrawal", .double(opening)), ("cashBalance", .double(opening)), ("bondValue", 0),
            ("cashReceipts", 0), ("liquidationValue", .double(equity)), ("longOptionMarketValue", 0),
            ("longStockValue", .double(PriceModel.cents(long))), ("moneyMarketFund", 0), ("mutualFundValue", 0),
            ("shortOptionMarketValue", 0), ("shortStockValue", 0), ("isInCall", 0), ("unsettledCash", 0),
            ("cashDebitCallValue", 0), ("pendingDeposits", 0), ("accountValue", .double(equity)),
        ])
        let current: JSONValue = .object([
            ("cashAvailableForTrading", .double(cash)), ("cashAvailableForWithdrawal", .double(cash)),
            ("cashCall", 0), ("longNonMarginableMarketValue", .double(PriceModel.cents(long))),
            ("totalCash", .double(cash)), ("cashDebitCallValue", 0), ("unsettledCash", 0),
        ])
        return [("initialBalances", initial), ("currentBalances", current), ("projectedBalances", current)]
    }

    /// One Position.
    func position(_ holding: Holding) -> JSONValue {
        let multiplier = holding.assetType == "OPTION" ? 100.0 : 1
        let quote = brokerage.pricer.snapshot(symbol: holding.symbol, at: now)
        let mark = quote?.mark ?? holding.averagePrice
        let previous = quote?.previousClose ?? mark
        let quantity = abs(holding.quantity)
        let isLong = holding.quantity >= 0
        let value = PriceModel.cents(mark * holding.quantity * multiplier)
        let dayPL = PriceModel.cents((mark - previous) * holding.quantity * multiplier)
        let openPL = PriceModel.cents((mark - holding.averagePrice) * holding.quantity * multiplier)
        let average = (holding.averagePrice * 10_000).rounded() / 10_000
        return .object([
            ("shortQuantity", .double(isLong ? 0 : quantity)), ("averagePrice", .double(average)),
            ("currentDayProfitLoss", .double(dayPL)),
            (
                "currentDayProfitLossPercentage",
                .double(previous == 0 ? 0 : ((mark - previous) / previous * 10_000).rounded() / 100)
            ),
            ("longQuantity", .double(isLong ? quantity : 0)), ("settledLongQuantity", .double(isLong ? quantity : 0)),
            ("settledShortQuantity", .double(isLong ? 0 : quantity)), ("instrument", instrument(holding.symbol)),
            ("marketValue", .double(value)),
            ("maintenanceRequirement", .double(PriceModel.cents(abs(value) * 0.25))),
            ("averageLongPrice", .double(isLong ? average : 0)),
            ("taxLotAverageLongPrice", .double(isLong ? average : 0)),
            ("longOpenProfitLoss", .double(isLong ? openPL : 0)),
            ("previousSessionLongQuantity", .double(max(0, holding.openingQuantity))),
            ("currentDayCost", 0),
        ])
    }

    /// An AccountsInstrument for a ticker or OCC symbol.
    func instrument(_ symbol: String) -> JSONValue {
        if let option = OptionSymbol(occ: symbol) {
            let underlying = MarketUniverse.lookup(option.root)
            let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
            let description =
                "\(underlying?.description ?? option.root) \(monthNames[option.month - 1]) \(option.day) \(option.year) "
                + "\(option.strike) \(option.isCall ? "Call" : "Put")"
            return .object([
                ("assetType", "OPTION"), ("cusip", .string("0" + option.description.filter { $0 != " " }.suffix(8))),
                ("symbol", .string(symbol)), ("description", .string(description)),
                ("instrumentId", .int(Int(SplitMix64.hash(symbol) % 900_000_000) + 100_000_000)), ("netChange", 0),
                ("type", "VANILLA"), ("putCall", .string(option.isCall ? "CALL" : "PUT")),
                ("underlyingSymbol", .string(option.root)),
            ])
        }
        let known = MarketUniverse.lookup(symbol)
        let quote = brokerage.pricer.snapshot(symbol: symbol, at: now)
        return .object([
            ("assetType", "EQUITY"), ("cusip", .string(known?.cusip ?? "")), ("symbol", .string(symbol)),
            ("description", .string(known?.description ?? symbol)),
            ("instrumentId", .int(Int(SplitMix64.hash(symbol) % 900_000_000) + 100_000_000)),
            ("netChange", .double(quote?.netChange ?? 0)),
        ])
    }

    /// The user preference object: accounts, streamer info (with the user id), offers.
    public func userPreference(_ user: DemoUser) -> JSONValue {
        let accounts: [JSONValue] = user.accounts.enumerated().map { index, account in
            .object([
                ("accountNumber", .string(account.number)), ("primaryAccount", .bool(index == 0)),
                ("type", "BROKERAGE"), ("nickName", .string(account.nickName)),
                ("accountColor", .string(index % 2 == 0 ? "Green" : "Blue")),
                ("displayAcctId", .string("...\(account.number.suffix(3))")), ("autoPositionEffect", false),
            ])
        }
        return .object([
            ("accounts", .array(accounts)),
            (
                "streamerInfo",
                [
                    .object([
                        ("streamerSocketUrl", "wss://streamer-api.schwab.com/ws"),
                        ("schwabClientCustomerId", .string(user.customerId)),
                        ("schwabClientCorrelId", .string(user.correlId)), ("schwabClientChannel", "N9"),
                        ("schwabClientFunctionId", "APIAPP"),
                    ])
                ]
            ),
            ("offers", [.object([("level2Permissions", true), ("mktDataPermission", "NP")])]),
        ])
    }
}
