extension Brokerage {
    /// Places a validated ticket for `account` at `now`; returns the new order id.
    ///
    /// Refuses (400, Trader ServiceError) what Schwab refuses at entry: selling shares the account
    /// does not hold, short selling or writing options in a cash account, buying beyond buying
    /// power. A marketable order fills before this returns, as a market order does on Schwab.
    public mutating func place(_ ticket: OrderTicket, account: String, now: Double) throws(SandboxError) -> Int64 {
        advance(to: now)
        try checkAffordable(ticket, account: account, now: now)
        let id = insert(ticket, account: account, now: now, parentId: nil, awaiting: false)
        advance(to: now)
        return id
    }

    /// Cancels a working order (and the children of an OCO or TRIGGER); 400 when it is final.
    public mutating func cancel(_ id: Int64, account: String, now: Double) throws(SandboxError) {
        advance(to: now)
        let order = try order(id, account: account)
        guard !order.isFinal else {
            throw SandboxError.badRequest(
                "Order \(id) cannot be canceled: its status is \(order.status)", ["order is not cancelable"])
        }
        close(id, status: "CANCELED", at: now)
    }

    /// Replaces a working order: the old one becomes REPLACED, a new order (new id) starts working.
    public mutating func replace(
        _ id: Int64, account: String, with ticket: OrderTicket, now: Double
    )
        throws(SandboxError) -> Int64
    {
        advance(to: now)
        let old = try order(id, account: account)
        guard !old.isFinal, old.parentId == nil else {
            throw SandboxError.badRequest(
                "Order \(id) cannot be replaced: its status is \(old.status)", ["order is not editable"])
        }
        try checkAffordable(ticket, account: account, now: now)
        close(id, status: "REPLACED", at: now)
        let newId = insert(ticket, account: account, now: now, parentId: nil, awaiting: false)
        orders[newId]?.replacesId = id
        advance(to: now)
        return newId
    }

    /// Buying power as Regulation T computes it: twice the equity above maintenance for margin,
    /// settled cash for cash accounts.
    public func buyingPower(account: String, now: Double) -> Double {
        guard let ledger = ledgers[account] else { return 0 }
        let (long, short) = marketValues(ledger, at: now)
        if !ledger.isMargin { return max(0, ledger.cash) }
        let equity = ledger.cash + long - short
        return PriceModel.cents(max(0, 2 * (equity - 0.5 * (long + short))))
    }

    /// Long and short market values of the account's positions at `t`.
    public func marketValues(_ ledger: AccountLedger, at t: Double) -> (long: Double, short: Double) {
        var long = 0.0
        var short = 0.0
        for holding in ledger.holdings {
            let mark = pricer.snapshot(symbol: holding.symbol, at: t)?.mark ?? holding.averagePrice
            let value = mark * holding.quantity * (holding.assetType == "OPTION" ? 100 : 1)
            if value >= 0 { long += value } else { short -= value }
        }
        return (long, short)
    }

    private func checkAffordable(
        _ ticket: OrderTicket, account: String, now: Double
    )
        throws(SandboxError)
    {
        guard let ledger = ledgers[account] else { throw SandboxError.notFound("Unknown account") }
        var problems: [String] = []
        var cost = 0.0
        func visit(_ ticket: OrderTicket, isFollowUp: Bool) {
            for leg in ticket.legs {
                let held = ledger.holding(leg.symbol)?.quantity ?? 0
                switch leg.instruction {
                case "SELL", "SELL_TO_CLOSE":
                    if !isFollowUp && held < leg.quantity {
                        problems.append(
                            "You cannot sell \(Int(leg.quantity)) \(leg.symbol): the account holds \(Int(max(0, held)))"
                        )
                    }
                case "BUY_TO_COVER", "BUY_TO_CLOSE":
                    if !isFollowUp && -held < leg.quantity {
                        problems.append(
                            "You cannot buy to cover \(Int(leg.quantity)) \(leg.symbol): the account is short \(Int(max(0, -held)))"
                        )
                    }
                case "SELL_SHORT", "SELL_SHORT_EXEMPT", "SELL_TO_OPEN":
                    if !ledger.isMargin {
                        problems.append("\(leg.instruction) needs a margin account; this is a cash account")
                    }
                default:
                    let quote = pricer.snapshot(symbol: leg.symbol, at: now)
                    let unit = ticket.price ?? ticket.stopPrice ?? quote?.ask ?? 0
                    if !isFollowUp { cost += unit * leg.quantity * leg.multiplier }
                }
            }
            for child in ticket.children { visit(child, isFollowUp: isFollowUp || ticket.strategy == "TRIGGER") }
        }
        visit(ticket, isFollowUp: false)
        let power = buyingPower(account: account, now: now)
        if cost > power {
            problems.append(
                "Insufficient buying power: the order needs about $\(PriceModel.cents(cost)), available $\(power)")
        }
        if !problems.isEmpty {
            throw SandboxError.badRequest("Order rejected: \(problems[0])", problems)
        }
    }

    @discardableResult
    mutating func insert(
        _ ticket: OrderTicket, account: String, now: Double, parentId: Int64?, awaiting: Bool
    )
        -> Int64
    {
        let id = takeOrderId()
        var order = SandboxOrder(
            id: id, accountNumber: account, ticket: ticket, status: awaiting ? "AWAITING_PARENT_ORDER" : "WORKING",
            enteredTime: now, checkedUntil: now)
        order.parentId = parentId
        orders[id] = order
        if parentId == nil { ledgers[account]?.orderIds.append(id) }
        var childIds: [Int64] = []
        for child in ticket.children {
            let childAwaits = awaiting || ticket.strategy == "TRIGGER"
            childIds.append(insert(child, account: account, now: now, parentId: id, awaiting: childAwaits))
        }
        orders[id]?.childIds = childIds
        return id
    }

    /// Moves an order and its unfinished children to a final status.
    mutating func close(_ id: Int64, status: String, at time: Double) {
        guard var order = orders[id], !order.isFinal else { return }
        order.status = status
        order.closeTime = time
        orders[id] = order
        for child in order.childIds { close(child, status: status == "REPLACED" ? "CANCELED" : status, at: time) }
    }
}
