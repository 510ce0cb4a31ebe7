/// One order in the book: the ticket, its life so far, and its links to related orders.
///
/// Status follows Schwab's apiOrderStatus: WORKING until it fills (FILLED), is cancelled
/// (CANCELED), replaced (REPLACED), expires at the close (EXPIRED, DAY orders) or is refused
/// (REJECTED). TRIGGER children wait as AWAITING_PARENT_ORDER; an OCO is a container whose two
/// children work together until one fills and cancels the other.
struct SandboxOrder: Sendable {
    /// The order id (`Location` ends with it).
    let id: Int64
    /// The plain number of the account that placed it.
    let accountNumber: String
    /// What was asked.
    var ticket: OrderTicket
    /// Schwab's status name.
    var status: String
    /// When it was placed.
    let enteredTime: Double
    /// When it reached a final status.
    var closeTime: Double?
    /// Executions so far.
    var fills: [Fill] = []
    /// The OCO or TRIGGER order this belongs to.
    var parentId: Int64?
    /// Child orders (OCO members or TRIGGER follow-ups), in ticket order.
    var childIds: [Int64] = []
    /// The order this one replaced, if it came from a replace.
    var replacesId: Int64?
    /// Why it was rejected or closed, in words.
    var statusDescription: String?
    /// Market time up to which fill conditions have been checked.
    var checkedUntil: Double
    /// True once a STOP, STOP_LIMIT or TRAILING_STOP order has seen its stop price.
    var stopTriggered = false
    /// A TRAILING_STOP's best basis price since entry (highest for a sell, lowest for a buy).
    var trailBest: Double?

    /// One execution: the (net) price per unit, and each leg's own price.
    struct Fill: Sendable, Equatable {
        let price: Double
        let quantity: Double
        let time: Double
        var legPrices: [Double]

        /// A fill of a one-leg order.
        init(price: Double, quantity: Double, time: Double) {
            self.init(price: price, quantity: quantity, time: time, legPrices: [price])
        }

        /// A fill with a price per leg (spreads).
        init(price: Double, quantity: Double, time: Double, legPrices: [Double]) {
            self.price = price
            self.quantity = quantity
            self.time = time
            self.legPrices = legPrices
        }
    }

    /// The quantity of the (single) leg.
    var quantity: Double { ticket.legs.first?.quantity ?? 0 }
    /// How much has executed.
    var filledQuantity: Double { fills.reduce(0) { $0 + $1.quantity } }
    /// True while it can still fill.
    var isWorking: Bool { status == "WORKING" }
    /// True for a status that can no longer change.
    var isFinal: Bool { ["FILLED", "CANCELED", "REPLACED", "EXPIRED", "REJECTED"].contains(status) }
    /// True for an OCO container (it has no legs of its own).
    var isContainer: Bool { ticket.strategy == "OCO" }
}

/// One ledger entry of an account: Schwab's Transaction resource.
struct SandboxTransaction: Sendable {
    /// activityId (and the `transactionId` path parameter).
    let id: Int64
    /// TRADE, DIVIDEND_OR_INTEREST, ACH_RECEIPT, ...
    let type: String
    /// When it happened.
    let time: Double
    /// Text shown to the user.
    let description: String
    /// Cash effect on the account (negative for purchases and fees).
    let netAmount: Double
    /// The order behind a TRADE.
    let orderId: Int64?
    /// For a TRADE: the instrument, the signed quantity, the price and whether it opened or closed.
    let symbol: String?
    let quantity: Double
    let price: Double
    let positionEffect: String?
    /// Commission charged, if any.
    let commission: Double
}

/// A position in an account: signed quantity (negative when short) and average cost.
struct Holding: Sendable, Equatable {
    let symbol: String
    let assetType: String
    var quantity: Double
    var averagePrice: Double
    /// Quantity held at the start of the day (for `previousSessionLongQuantity`).
    var openingQuantity: Double
}
