/// Why a trading tool did not act: a kind for code and tests, and words for the person.
///
/// Messages never hold an account number or hash: accounts appear by display name only.
public struct TradingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: String, Sendable {
        /// The order is missing what its strategy needs.
        case invalidOrder = "invalid_order"
        /// The account is not one of the user's.
        case unknownAccount = "unknown_account"
        /// An operator limit (`MAX_ORDER_QUANTITY`, `MAX_ORDER_NOTIONAL`, `ALLOWED_ASSET_TYPES`) refused it.
        case limitExceeded = "limit_exceeded"
        /// The client cannot be asked and no confirmation id was given.
        case confirmationRequired = "confirmation_required"
        /// The confirmation id is unknown, expired, used, or for another order.
        case badConfirmation = "bad_confirmation"
        /// The question to the user failed.
        case confirmationFailed = "confirmation_failed"
        /// Schwab refused or could not be reached.
        case schwab = "schwab_error"
        /// The audit log or confirmation store could not be written.
        case storage = "storage_error"
    }

    /// What went wrong.
    public var kind: Kind
    /// What happened and what to do, in plain words.
    public var message: String

    /// An error of `kind`.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// A stable code (`limit_exceeded`, ...).
    public var code: String { kind.rawValue }
    /// The message.
    public var description: String { message }
}
