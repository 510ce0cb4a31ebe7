import EdgeCore

extension TraderJSON {
    /// One Order as GET returns it, with nested `childOrderStrategies` for OCO and TRIGGER.
    func order(_ order: SandboxOrder) -> JSONValue {
        let ticket = order.ticket
        var members: [(String, JSONValue)] = []
        if !order.isContainer {
            members += [
                ("session", .string(ticket.session)), ("duration", .string(ticket.duration)),
                ("orderType", .string(ticket.orderType)), ("complexOrderStrategyType", .string(ticket.complexStrategy)),
                ("quantity", .double(order.quantity)), ("filledQuantity", .double(order.filledQuantity)),
                ("remainingQuantity", .double(order.isFinal ? 0 : order.quantity - order.filledQuantity)),
                ("requestedDestination", "AUTO"), ("destinationLinkName", "AutoRoute"),
            ]
            if let price = ticket.price { members.append(("price", .double(price))) }
            if let stop = ticket.stopPrice {
                members.append(("stopPrice", .double(stop)))
                members.append(("stopType", "STANDARD"))
            }
            if let trail = ticket.trail {
                members += [
                    ("stopPriceLinkBasis", .string(trail.basis)), ("stopPriceLinkType", .string(trail.type)),
                    ("stopPriceOffset", .double(trail.offset)),
                ]
                if ticket.stopPrice == nil { members.append(("stopType", "STANDARD")) }
            }
            members.append(
                ("orderLegCollection", .array(ticket.legs.enumerated().map { leg($0.element, id: $0.offset + 1) })))
        }
        members += [
            ("orderStrategyType", .string(ticket.strategy)), ("orderId", .int(Int(order.id))),
            ("cancelable", .bool(!order.isFinal)), ("editable", .bool(!order.isFinal && order.parentId == nil)),
            ("status", .string(order.status)),
            ("enteredTime", .string(SandboxDates.traderTimestamp(order.enteredTime))),
        ]
        if let close = order.closeTime { members.append(("closeTime", .string(SandboxDates.traderTimestamp(close)))) }
        members.append(("tag", "API_SANDBOX"))
        members.append(("accountNumber", .int(Int(order.accountNumber) ?? 0)))
        if !order.fills.isEmpty {
            let activities: [JSONValue] = order.fills.enumerated().map { index, fill in
                .object([
                    ("activityType", "EXECUTION"), ("activityId", .int(Int(order.id) * 10 + index)),
                    ("executionType", "FILL"), ("quantity", .double(fill.quantity)),
                    ("orderRemainingQuantity", .double(order.quantity - fill.quantity)),
                    ("executionLegs", .array(executionLegs(order, fill))),
                ])
            }
            members.append(("orderActivityCollection", .array(activities)))
        }
        if !order.childIds.isEmpty {
            let children = order.childIds.compactMap { brokerage.orders[$0] }.map { self.order($0) }
            members.append(("childOrderStrategies", .array(children)))
        }
        if let description = order.statusDescription { members.append(("statusDescription", .string(description))) }
        return .object(members)
    }

    /// One ExecutionLeg per order leg: its own price and quantity.
    func executionLegs(_ order: SandboxOrder, _ fill: SandboxOrder.Fill) -> [JSONValue] {
        zip(order.ticket.legs, fill.legPrices).enumerated().map { index, pair in
            .object([
                ("legId", .int(index + 1)), ("price", .double(pair.1)), ("quantity", .double(pair.0.quantity)),
                ("mismarkedQuantity", 0),
                ("instrumentId", .int(Int(SplitMix64.hash(pair.0.symbol) % 900_000_000) + 100_000_000)),
                ("time", .string(SandboxDates.traderTimestamp(fill.time))),
            ])
        }
    }

    func leg(_ leg: OrderTicket.Leg, id: Int) -> JSONValue {
        let effect: String
        switch leg.instruction {
        case "BUY", "BUY_TO_OPEN", "SELL_TO_OPEN", "SELL_SHORT", "SELL_SHORT_EXEMPT": effect = "OPENING"
        default: effect = "CLOSING"
        }
        return .object([
            ("orderLegType", .string(leg.assetType)), ("legId", .int(id)), ("instrument", instrument(leg.symbol)),
            ("instruction", .string(leg.instruction)), ("positionEffect", .string(effect)),
            ("quantity", .double(leg.quantity)),
        ])
    }

    /// One Transaction.
    func transaction(_ transaction: SandboxTransaction, account: String) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("activityId", .int(Int(transaction.id))),
            ("time", .string(SandboxDates.traderTimestamp(transaction.time))),
            ("description", .string(transaction.description)), ("accountNumber", .string(account)),
            ("type", .string(transaction.type)), ("status", "VALID"),
            ("subAccount", .string(brokerage.ledgers[account]?.isMargin == true ? "MARGIN" : "CASH")),
            ("tradeDate", .string(SandboxDates.traderTimestamp(transaction.time))),
            ("settlementDate", .string(SandboxDates.traderTimestamp(transaction.time + 86_400))),
            ("netAmount", .double(transaction.netAmount)),
        ]
        if let orderId = transaction.orderId {
            members.append(("orderId", .int(Int(orderId))))
            members.append(("positionId", .int(Int(SplitMix64.hash(transaction.symbol ?? "") % 9_000_000_000))))
        }
        members.append(("activityType", .string(transaction.type == "TRADE" ? "EXECUTION" : "TRANSFER")))
        var items: [JSONValue] = []
        if let symbol = transaction.symbol {
            let isOption = OptionSymbol(occ: symbol) != nil
            var instrumentMembers: [(String, JSONValue)] = [
                ("assetType", .string(isOption ? "OPTION" : "EQUITY")), ("symbol", .string(symbol)),
                ("cusip", .string(MarketUniverse.lookup(symbol)?.cusip ?? "")),
                ("instrumentId", .int(Int(SplitMix64.hash(symbol) % 900_000_000) + 100_000_000)),
            ]
            if let option = OptionSymbol(occ: symbol) {
                instrumentMembers += [
                    ("putCall", .string(option.isCall ? "CALL" : "PUT")), ("strikePrice", .double(option.strike)),
                    ("underlyingSymbol", .string(option.root)), ("optionPremiumMultiplier", 100),
                    ("expirationDate", .string(SandboxDates.traderTimestamp(option.expiryEpoch))), ("type", "VANILLA"),
                ]
            } else {
                instrumentMembers.append(("type", "COMMON_STOCK"))
            }
            items.append(
                .object([
                    ("instrument", .object(instrumentMembers)), ("amount", .double(transaction.quantity)),
                    (
                        "cost",
                        .double(PriceModel.cents(-transaction.quantity * transaction.price * (isOption ? 100 : 1)))
                    ),
                    ("price", .double(transaction.price)),
                    ("positionEffect", .string(transaction.positionEffect ?? "AUTOMATIC")),
                ]))
        }
        items.append(
            .object([
                (
                    "instrument",
                    .object([("assetType", "CURRENCY"), ("symbol", "CURRENCY_USD"), ("description", "USD currency")])
                ),
                ("amount", .double(transaction.symbol == nil ? transaction.netAmount : 0)),
                ("cost", .double(transaction.symbol == nil ? transaction.netAmount : -transaction.commission)),
                ("feeType", "COMMISSION"),
            ]))
        members.append(("transferItems", .array(items)))
        return .object(members)
    }

    /// The PreviewOrder answer: the strategy as it would be placed, validation results, fees.
    func preview(_ ticket: OrderTicket, account: String, rejects: [String]) -> JSONValue {
        let leg = ticket.legs.first ?? ticket.children.first?.legs.first
        let quote = leg.flatMap { brokerage.pricer.snapshot(symbol: $0.symbol, at: now) }
        let unit = ticket.price ?? (leg?.isBuy == true ? quote?.ask : quote?.bid) ?? 0
        let contracts = leg?.assetType == "OPTION" ? (leg?.quantity ?? 0) : 0
        let commission = PriceModel.cents(0.65 * contracts)
        let orderValue = PriceModel.cents(unit * (leg?.quantity ?? 0) * (leg?.multiplier ?? 1))
        var legs: [JSONValue] = []
        if let leg {
            legs.append(
                .object([
                    ("askPrice", .double(quote?.ask ?? 0)), ("bidPrice", .double(quote?.bid ?? 0)),
                    ("lastPrice", .double(quote?.last ?? 0)), ("markPrice", .double(quote?.mark ?? 0)),
                    ("projectedCommission", .double(commission)), ("quantity", .double(leg.quantity)),
                    ("finalSymbol", .string(leg.symbol)), ("legId", 1), ("assetType", .string(leg.assetType)),
                    ("instruction", .string(leg.instruction)),
                ]))
        }
        func detail(_ message: String, _ severity: String) -> JSONValue {
            .object([
                ("validationRuleName", .string(severity == "REJECT" ? "OrderEntryRule" : "SandboxAccept")),
                ("message", .string(message)), ("activityMessage", .string(message)),
                ("originalSeverity", .string(severity)), ("overrideName", "none"),
                ("overrideSeverity", .string(severity)),
            ])
        }
        let accepts: [JSONValue] = rejects.isEmpty ? [detail("The order passed every sandbox check", "ACCEPT")] : []
        let strategy: JSONValue = .object([
            ("accountNumber", .string(account)), ("advancedOrderType", .string(advancedType(ticket))),
            ("orderStrategyType", .string(ticket.strategy)), ("orderVersion", 1),
            ("session", .string(ticket.session.isEmpty ? "NORMAL" : ticket.session)),
            ("status", .string(rejects.isEmpty ? "ACCEPTED" : "REJECTED")), ("allOrNone", false),
            ("discretionary", false), ("duration", .string(ticket.duration.isEmpty ? "DAY" : ticket.duration)),
            ("filledQuantity", 0), ("orderType", .string(ticket.orderType.isEmpty ? "MARKET" : ticket.orderType)),
            ("orderValue", .double(orderValue)), ("price", .double(unit)), ("quantity", .double(leg?.quantity ?? 0)),
            ("remainingQuantity", .double(leg?.quantity ?? 0)), ("sellNonMarginableFirst", false),
            ("strategy", "NONE"), ("orderLegs", .array(legs)),
        ])
        let commissionValues: JSONValue = .object([
            (
                "commissionLegs",
                [.object([("commissionValues", [.object([("value", .double(commission)), ("type", "COMMISSION")])])])]
            )
        ])
        return .object([
            ("orderId", 0), ("orderStrategy", strategy),
            (
                "orderValidationResult",
                .object([
                    ("alerts", []), ("accepts", .array(accepts)),
                    ("rejects", .array(rejects.map { detail($0, "REJECT") })),
                    ("reviews", []), ("warns", []),
                ])
            ),
            (
                "commissionAndFee",
                .object([
                    ("commission", commissionValues),
                    (
                        "fee",
                        .object([
                            ("feeLegs", [.object([("feeValues", [.object([("value", 0), ("type", "SEC_FEE")])])])])
                        ])
                    ),
                    ("trueCommission", commissionValues),
                ])
            ),
        ])
    }

    private func advancedType(_ ticket: OrderTicket) -> String {
        switch ticket.strategy {
        case "OCO": "OCO"
        case "TRIGGER": ticket.children.first?.strategy == "OCO" ? "OTOCO" : "OTO"
        default: "NONE"
        }
    }
}
