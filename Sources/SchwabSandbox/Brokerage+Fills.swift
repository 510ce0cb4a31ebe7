extension Brokerage {
    /// Walks market time forward to `now`, filling, expiring and activating orders on the way.
    ///
    /// Each working order is checked at every minute between the last check and `now` (coarser
    /// steps when the clock jumped days), so a limit fills at the first minute the model's quote
    /// crossed it, even if the price has moved back since.
    mutating func advance(to now: Double) {
        defer { settleExpiredOptions(at: now) }
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
        if order.ticket.isOnClose { return auction(id, leg: leg, expiry: expiry, until: now) }
        let immediate = ["IMMEDIATE_OR_CANCEL", "FILL_OR_KILL"].contains(order.ticket.duration)
        while true {
            if t >= expiry {
                orders[id] = order
                close(id, status: "EXPIRED", at: expiry)
                return false
            }
            if order.ticket.isNet, let prices = netFill(order.ticket, at: t) {
                order.checkedUntil = t
                orders[id] = order
                return fill(id, net: prices.net, legPrices: prices.legs, at: t)
            }
            if !order.ticket.isNet, let quote = pricer.snapshot(symbol: leg.symbol, at: t),
                let price = fillPrice(&order, leg: leg, quote: quote)
            {
                order.checkedUntil = t
                orders[id] = order
                return fill(id, net: price, legPrices: [price], at: t)
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

    /// A MARKET_ON_CLOSE or LIMIT_ON_CLOSE order: it executes in the closing auction (20:00 UTC
    /// on a trading day) at the closing price, within the limit for LIMIT_ON_CLOSE, else it
    /// expires there; an order whose day ends before the next close expires with its day.
    private mutating func auction(_ id: Int64, leg: OrderTicket.Leg, expiry: Double, until now: Double) -> Bool {
        guard var order = orders[id] else { return false }
        var closing = (order.enteredTime / 86_400).rounded(.down) * 86_400 + 20 * 3600
        while closing < order.enteredTime || !MarketCalendar.isTradingDay(closing) { closing += 86_400 }
        guard closing < expiry else {
            if now >= expiry { close(id, status: "EXPIRED", at: expiry) }
            return false
        }
        guard now >= closing else {
            order.checkedUntil = now
            orders[id] = order
            return false
        }
        guard let price = pricer.snapshot(symbol: leg.symbol, at: closing)?.last else { return false }
        if order.ticket.orderType == "LIMIT_ON_CLOSE", let limit = order.ticket.price,
            leg.isBuy ? price > limit : price < limit
        {
            close(id, status: "EXPIRED", at: closing)
            return false
        }
        order.checkedUntil = closing
        orders[id] = order
        return fill(id, net: price, legPrices: [price], at: closing)
    }

    /// The execution price if the order can fill against `quote`, else nil.
    private func fillPrice(_ order: inout SandboxOrder, leg: OrderTicket.Leg, quote: PriceSnapshot) -> Double? {
        let ticket = order.ticket
        if ticket.orderType == "TRAILING_STOP", !order.stopTriggered {
            guard let trail = ticket.trail else { return nil }
            let basis = trail.price(in: quote)
            let best = order.trailBest.map { leg.isBuy ? min($0, basis) : max($0, basis) } ?? basis
            order.trailBest = best
            let stop = trail.stop(from: best, isBuy: leg.isBuy)
            let hit = leg.isBuy ? basis >= stop : basis <= stop
            if !hit { return nil }
            order.stopTriggered = true
        }
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

    /// A spread's fill at `t`: each leg at its side of the market, and the net per unit (positive
    /// for a debit), when the net limit allows it (NET_ZERO fills at the market).
    private func netFill(_ ticket: OrderTicket, at t: Double) -> (net: Double, legs: [Double])? {
        guard let base = ticket.legs.map(\.quantity).min(), base > 0 else { return nil }
        var net = 0.0
        var prices: [Double] = []
        for leg in ticket.legs {
            guard let quote = pricer.snapshot(symbol: leg.symbol, at: t) else { return nil }
            let price = leg.isBuy ? quote.ask : quote.bid
            prices.append(price)
            net += (leg.isBuy ? price : -price) * leg.quantity / base * (leg.multiplier / 100)
        }
        net = PriceModel.cents(net)
        switch ticket.orderType {
        case "NET_DEBIT": return net <= (ticket.price ?? 0) ? (net, prices) : nil
        case "NET_CREDIT": return -net >= (ticket.price ?? 0) ? (net, prices) : nil
        default: return (net, prices)
        }
    }

    /// Records a complete fill: positions, cash, a TRADE transaction per leg; then OCO and TRIGGER
    /// links.
    private mutating func fill(_ id: Int64, net: Double, legPrices: [Double], at time: Double) -> Bool {
        guard var order = orders[id], var ledger = ledgers[order.accountNumber] else { return false }
        order.fills.append(SandboxOrder.Fill(price: net, quantity: order.quantity, time: time, legPrices: legPrices))
        order.status = "FILLED"
        order.closeTime = time
        orders[id] = order
        for (leg, price) in zip(order.ticket.legs, legPrices) {
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
        }
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
        let optionExpiry = order.ticket.legs.compactMap { $0.option?.expiryEpoch }.min() ?? .infinity
        return min(optionExpiry, durationExpiry(entered: entered, duration: order.ticket.duration))
    }

    private static func durationExpiry(entered: Double, duration: String) -> Double {
        switch duration {
        case "DAY", "IMMEDIATE_OR_CANCEL", "FILL_OR_KILL":
            let close = (entered / 86_400).rounded(.down) * 86_400 + 21 * 3600
            return entered < close ? close : close + 86_400
        default:
            return entered + 180 * 86_400
        }
    }
}
