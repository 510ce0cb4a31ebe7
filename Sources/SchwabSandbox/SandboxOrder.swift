/// One order in the book: the ticket, its life so far, and its links to related orders.
///
/// Status follows Schwab's apiOrderStatus: WORKING until it fills (FILLED), is cancelled
/// (CANCELED), replaced (REPLACED), expires at the close (EXPIRED, DAY orders) or is refused
/// (REJECTED). TRIGGER children wait as AWAITING_PARENT_ORDER; an OCO is a container whose two
/// children work together until one fills and cancels the other.
public struct SandboxOrder: Sendable {
    /// The order id (`Location` ends with it).
    public let id: Int64
    /// The plain number of the account that placed it.
    public let accountNumber: String
    /// What was asked.
    public var ticket: OrderTicket
    /// Schwab's status name.
    public var status: String
    /// When it was placed.
    public let enteredTime: Double
    /// When it reached a final status.
    public var closeTime: Double?
    /// Executions so far.
    public var fills: [Fill] = []
    /// The OCO or TRIGGER order this belongs to.
    public var parentId: Int64?
    /// Child orders (OCO members or TRIGGER follow-ups), in ticket order.
    public var childIds: [Int64] = []
    /// The order this one replaced, if it came from a replace.
    public var replacesId: Int64?
    /// Why it was rejected or closed, in words.
    public var statusDescription: String?
    /// Market time up to which fill conditions have been checked.
    var checkedUntil: Double
    /// True once a STOP or STOP_LIMIT order has seen its stop price.
    var stopTriggered = false

    /// One execution.
    public struct Fill: Sendable, Equatable {
        public let price: Double
        public let quantity: Double
        public let time: Double
    }

    /// The quantity of the (single) leg.
    public var quantity: Double { ticket.legs.first?.quantity ?? 0 }
    /// How much has executed.
    public var filledQuantity: Double { fills.reduce(0) { $0 + $1.quantity } }
    /// True while it can still fill.
    public var isWorking: Bool { status == "WORKING" }
    /// True for a status that can no longer change.
    public var isFinal: Bool { ["FILLED", "CANCELED", "REPLACED", "EXPIRED", "REJECTED"].contains(status) }
    /// True for an OCO container (it has no legs of its own).
    public var isContainer: Bool { ticket.strategy == "OCO" }
}

/// One ledger entry of an account: Schwab's Transaction resource.
public struct SandboxTransaction: Sendable {
    /// activityId (and the `transactionId` path parameter).
    public let id: Int64
    /// TRADE, DIVIDEND_OR_INTEREST, ACH_RECEIPT, ...
    public let type: String
    /// When it happened.
    public let time: Double
    /// Text shown to the user.
    public let description: String
    /// Cash effect on the account (negative for purchases and fees).
    public let netAmount: Double
    /// The order behind a TRADE.
    public let orderId: Int64?
    /// For a TRADE: the instrument, the signed quantity, the price and whether it opened or closed.
    public let symbol: String?
    public let quantity: Double
    public let price: Double
    public let positionEffect: String?
    /// Commission charged, if any.
    public let commission: Double
}

/// A position in an account: signed quantity (negative when short) and average cost.
public struct Holding: Sendable, Equatable {
    public let symbol: String
    public let assetType: String
    public var quantity: Double
    public var averagePrice: Double
    /// Quantity held at the start of the day (for `previousSessionLongQuantity`).
    public var openingQuantity: Double
}
