extension Brokerage {
    /// Walks market time forward to `now`, filling, expiring and activating orders on the way.
    ///
    /// Each working order is checked at every minute between the last check and `now` (coarser
    /// steps when the clock jumped days), so a limit fills at the first minute the model's quote
    /// crossed it, even if the price has moved back since.
    public mutating func advance(to now: Double) {
        for _ in 0..<4 {
            let working = orders.values.filter { $0.isWorking && !$0.isContainer }.map(\.id).sorted()
            guard !working.isEmpty else { return }
            var activated = false
            for id in working where orders[id]?.isWorking == true {
                activated = evaluate(id, until: now) || activated
            }
            if !activated { return }
        }
    }

    /// Checks one order up to `now`; returns true when its fill activated other orders.
    private mutating func evaluate(_ id: Int64, until now: Double) -> Bool {
        guard var order = orders[id], let leg = order.ticket.legs.first else { return false }
        var t = max(order.checkedUntil, order.enteredTime)
        let step = now - t > 3 * 86_400 ? (now - t) / 4_320 : 60
        let expiry = Brokerage.expiry(of: order)
        let immediate = ["IMMEDIATE_OR_CANCEL", "FILL_OR_KILL"].contains(order.ticket.duration)
        while true {
            if t >= expiry {
                orders[id] = order
                close(id, status: "EXPIRED", at: expiry)
                return false
            }
            if let quote = pricer.snapshot(symbol: leg.symbol, at: t),
                let price = fillPrice(&order, leg: leg, quote: quote)
            {
                order.checkedUntil = t
                orders[id] = order
                return fill(id, price: price, at: t)
            }
            if immediate {
                orders[id] = order
                close(id, status: "CANCELED", at: t)
                return false
            }
            if t >= now { break }
            t = min(t + step, now)
        }
        order.checkedUntil = now
        orders[id] = order
        return false
    }

    /// The execution price if the order can fill against `quote`, else nil.
    private func fillPrice(_ order: inout SandboxOrder, leg: OrderTicket.Leg, quote: PriceSnapshot) -> Double? {
        let ticket = order.ticket
        if ticket.orderType == "STOP" || ticket.orderType == "STOP_LIMIT", !order.stopTriggered {
            guard let stop = ticket.stopPrice else { return nil }
            let hit = leg.isBuy ? quote.last >= stop : quote.last <= stop
            if !hit { return nil }
            order.stopTriggered = true
        }
        let market = leg.isBuy ? quote.ask : quote.bid
        guard market > 0 else { return nil }
        switch ticket.orderType {
        case "LIMIT", "STOP_LIMIT":
            guard let limit = ticket.price else { return nil }
            return leg.isBuy ? (market <= limit ? market : nil) : (market >= limit ? market : nil)
        default:
            return market
        }
    }

    /// Records a complete fill: position, cash, a TRADE transaction; then OCO and TRIGGER links.
    private mutating func fill(_ id: Int64, price: Double, at time: Double) -> Bool {
        guard var order = orders[id], let leg = order.ticket.legs.first,
            var ledger = ledgers[order.accountNumber]
        else { return false }
        order.fills.append(SandboxOrder.Fill(price: price, quantity: leg.quantity, time: time))
        order.status = "FILLED"
        order.closeTime = time
        orders[id] = order
        let delta = leg.isBuy ? leg.quantity : -leg.quantity
        let commission = leg.assetType == "OPTION" ? PriceModel.cents(0.65 * leg.quantity) : 0
        let gross = PriceModel.cents(price * delta * leg.multiplier)
        let effect = ledger.apply(symbol: leg.symbol, assetType: leg.assetType, delta: delta, price: price)
        ledger.cash = PriceModel.cents(ledger.cash - gross - commission)
        ledger.transactions.append(
            SandboxTransaction(
                id: takeTransactionId(), type: "TRADE", time: time,
                description: "\(leg.instruction) \(Int(leg.quantity)) \(leg.symbol) @ \(price)",
                netAmount: PriceModel.cents(-gross - commission), orderId: rootId(of: id), symbol: leg.symbol,
                quantity: delta, price: price, positionEffect: effect, commission: commission))
        ledgers[order.accountNumber] = ledger
        var activated = false
        if let parentId = order.parentId, let parent = orders[parentId], parent.isContainer {
            for sibling in parent.childIds where sibling != id { close(sibling, status: "CANCELED", at: time) }
            orders[parentId]?.status = "FILLED"
            orders[parentId]?.closeTime = time
        }
        if order.ticket.strategy == "TRIGGER" {
            for child in order.childIds { activate(child, at: time) }
            activated = !order.childIds.isEmpty
        }
        return activated
    }

    private mutating func activate(_ id: Int64, at time: Double) {
        guard var order = orders[id], order.status == "AWAITING_PARENT_ORDER" else { return }
        order.status = "WORKING"
        order.checkedUntil = time
        orders[id] = order
        if order.isContainer {
            for child in order.childIds { activate(child, at: time) }
        }
    }

    private func rootId(of id: Int64) -> Int64 {
        var current = id
        while let parent = orders[current]?.parentId { current = parent }
        return current
    }

    /// When an order stops working by itself: the close (21:00 UTC) of its day for DAY orders,
    /// 180 days for good-till-cancel, as Schwab's GTC limit.
    static func expiry(of order: SandboxOrder) -> Double {
        let entered = order.enteredTime
        switch order.ticket.duration {
        case "DAY", "IMMEDIATE_OR_CANCEL", "FILL_OR_KILL":
            let close = (entered / 86_400).rounded(.down) * 86_400 + 21 * 3600
            return entered < close ? close : close + 86_400
        default:
            return entered + 180 * 86_400
        }
    }
}
