/// The operator's limits applied to one order: quantity per leg, estimated notional, asset types.
///
/// Pure. Checked before any question is asked and again before an order is sent, so a limit
/// lowered between preview and place still holds.
public enum OrderLimits {
    /// Nil when `summary` is within `settings`, else the refusal naming the limit it breaks.
    public static func check(_ summary: OrderSummary, _ settings: TradingSettings) -> TradingError? {
        guard summary.action != .cancel, let order = summary.order else { return nil }
        let legs = order.allLegs
        if let allowed = settings.allowedAssetTypes {
            for leg in legs where !allowed.contains(leg.assetType) {
                return TradingError(
                    .limitExceeded,
                    "Refused by the operator's limit ALLOWED_ASSET_TYPES: \(leg.symbol) is \(leg.assetType), and only "
                        + allowed.sorted().joined(separator: ", ") + " may be traded. Nothing was sent.")
            }
        }
        if let most = settings.maxQuantity {
            for leg in legs where leg.quantity > most {
                return TradingError(
                    .limitExceeded,
                    "Refused by the operator's limit MAX_ORDER_QUANTITY: \(OrderSummary.quantity(leg.quantity)) "
                        + "\(leg.symbol) is more than \(OrderSummary.quantity(most)) per order. Nothing was sent.")
            }
        }
        if let most = settings.maxNotional {
            guard let cost = summary.estimatedCost else {
                return TradingError(
                    .limitExceeded,
                    "Refused by the operator's limit MAX_ORDER_NOTIONAL: the order's cost cannot be estimated "
                        + "(\(summary.costBasis)), so it cannot be checked against \(OrderSummary.money(most)). "
                        + "Use a limit price. Nothing was sent.")
            }
            if cost > most {
                return TradingError(
                    .limitExceeded,
                    "Refused by the operator's limit MAX_ORDER_NOTIONAL: the estimated \(OrderSummary.money(cost)) is "
                        + "more than \(OrderSummary.money(most)) per order. Nothing was sent.")
            }
        }
        return nil
    }
}
