/// Why a call to Schwab gave no usable answer: the kind a caller decides on, the HTTP status,
/// a message a person (or a model) can act on, and Schwab's correlation id to quote to support.
///
/// The kinds follow the seed's upstream mapping table (401 invalid_token, 403 insufficient_scope,
/// 429 rate_limited, 5xx server_error, network_error) plus 400 and 404, whose Schwab messages say
/// what was wrong with the request, and `signInRequired` for a dead 7-day Schwab refresh token.
/// Messages never hold a token, an account number or an account hash.
public struct SchwabAPIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The class of failure.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// Schwab refused the access token even after one refresh (401).
        case invalidToken
        /// The token lacks permission for this call, or the account is not linked to the app (403).
        case insufficientScope
        /// Schwab's rate limit held even after backing off (429).
        case rateLimited
        /// Schwab failed (5xx) on every attempt.
        case serverError
        /// Schwab could not be reached, or the connection broke.
        case networkError
        /// Schwab rejected the request as malformed (400); the message is Schwab's.
        case badRequest
        /// The account, order, transaction or instrument does not exist (404).
        case notFound
        /// The Schwab sign-in is dead (the 7-day refresh token expired or was revoked): the user
        /// must sign in again.
        case signInRequired

        /// The seed's error code (`invalid_token`, ...), for tool results and logs.
        public var code: String {
            switch self {
            case .invalidToken: "invalid_token"
            case .insufficientScope: "insufficient_scope"
            case .rateLimited: "rate_limited"
            case .serverError: "server_error"
            case .networkError: "network_error"
            case .badRequest: "bad_request"
            case .notFound: "not_found"
            case .signInRequired: "sign_in_required"
            }
        }
    }

    /// The class of failure.
    public var kind: Kind
    /// Schwab's HTTP status, nil when no response arrived (network errors, dead sign-in).
    public var status: Int?
    /// What happened and what to do about it.
    public var message: String
    /// Schwab's `Schwab-Client-CorrelId` of the failing response, when there was one.
    public var correlationId: String?

    /// Makes an error from its parts.
    public init(_ kind: Kind, status: Int? = nil, message: String, correlationId: String? = nil) {
        self.kind = kind
        self.status = status
        self.message = message
        self.correlationId = correlationId
    }

    /// The seed's code for the kind.
    public var code: String { kind.code }

    /// `code (status): message [correlation id]`, for logs and tool results.
    public var description: String {
        var text = kind.code
        if let status { text += " (\(status))" }
        text += ": " + message
        if let correlationId { text += " [Schwab correlation id \(correlationId)]" }
        return text
    }

    /// The plain-words message for a dead Schwab sign-in.
    public static let signInMessage =
        "Your Schwab sign-in has expired (Schwab allows 7 days). Sign in again: reconnect your MCP client and approve it once more."
}
