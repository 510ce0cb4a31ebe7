import EdgeCore
import EdgeHTTP
import EdgeKV

/// A refusal or failure of either OAuth layer (ours to MCP clients, Schwab's to us): a machine
/// code, an HTTP status, a message a person can act on, and the request id to quote when asking
/// for help. The one error shape of `SchwabAuth` and `OAuth`; callers branch on `kind`, never on
/// the message.
///
/// The kinds follow the seed's `AuthErrors` (MissingClientId, StateValidation, CodeExchange,
/// TokenRefresh) plus the OAuth error codes of RFC 6749 §5.2 and RFC 6750 §3.1, and the upstream
/// mapping table (401 invalid_token, 403 insufficient_scope, 429 rate_limited, 5xx server_error,
/// network_error). `Kind` is a struct so new kinds never break a `switch`: this module declares
/// the kinds Schwab's side raises, `OAuth` adds the authorization server's.
public struct AuthError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, with the OAuth `error` code and the HTTP status it is answered with.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        /// The seed's name for the kind (`StateValidation`), for logs and operators.
        public let name: String
        /// The OAuth `error` value sent to clients (RFC 6749 §5.2, RFC 6750 §3.1).
        public let code: String
        /// The HTTP status the kind is answered with.
        public let status: Int

        /// A kind from its parts.
        public init(name: String, code: String, status: Int) {
            self.name = name
            self.code = code
            self.status = status
        }

        /// The name, as written in logs.
        public var description: String { name }

        /// Schwab refused the authorization code, or the answer was unusable (seed: CodeExchange).
        public static let codeExchange = Kind(name: "CodeExchange", code: "server_error", status: 502)
        /// Schwab refused to refresh: the user must sign in again (seed: TokenRefresh).
        public static let tokenRefresh = Kind(name: "TokenRefresh", code: "invalid_token", status: 401)
        /// A bearer token is missing, unknown, expired, revoked or for another audience (RFC 6750 §3.1).
        public static let invalidToken = Kind(name: "InvalidToken", code: "invalid_token", status: 401)
        /// The token lacks a scope the request needs (RFC 6750 §3.1).
        public static let insufficientScope = Kind(
            name: "InsufficientScope", code: "insufficient_scope", status: 403)
        /// Too many requests from one address, or Schwab said 429.
        public static let rateLimited = Kind(name: "RateLimited", code: "rate_limited", status: 429)
        /// Schwab or our storage failed.
        public static let serverError = Kind(name: "ServerError", code: "server_error", status: 502)
        /// Schwab could not be reached.
        public static let networkError = Kind(name: "NetworkError", code: "network_error", status: 502)
        /// Our own storage failed.
        public static let storageError = Kind(name: "StorageError", code: "temporarily_unavailable", status: 503)
    }

    /// The kind: code and status.
    public let kind: Kind
    /// What happened and what to do, for a person; never holds a token or secret.
    public let message: String
    /// The request id of the failing request (empty until the endpoint stamps it).
    public var requestId: String
    /// Schwab's `Schwab-Client-CorrelId` when the failure came from Schwab.
    public var upstreamCorrelationId: String?

    /// An error of `kind` with an actionable message.
    public init(_ kind: Kind, _ message: String, requestId: String = "", upstreamCorrelationId: String? = nil) {
        self.kind = kind
        self.message = message
        self.requestId = requestId
        self.upstreamCorrelationId = upstreamCorrelationId
    }

    /// The OAuth `error` code.
    public var code: String { kind.code }
    /// The HTTP status.
    public var status: Int { kind.status }

    /// `Kind(code): message (request id)`.
    public var description: String {
        "\(kind.name)(\(kind.code)): \(message)" + (requestId.isEmpty ? "" : " [request \(requestId)]")
    }

    /// A storage failure as the `storageError` kind (an `AuthError` passes through unchanged):
    /// grants, clients and Schwab tokens all live in the KV service.
    public static func storage(_ error: any Error) -> AuthError {
        if let auth = error as? AuthError { return auth }
        let code = (error as? KVError).map { String(describing: $0.code) } ?? "unknown"
        return AuthError(.storageError, "the grant store is unavailable (\(code)); retry shortly.")
    }

    /// The copy stamped with a request id.
    public func with(requestId: String) -> AuthError {
        var copy = self
        copy.requestId = requestId
        return copy
    }

    /// The JSON body of RFC 6749 §5.2 plus `request_id`.
    public var json: JSONValue {
        var fields: [(String, JSONValue)] = [
            ("error", .string(code)), ("error_description", .string(message)), ("request_id", .string(requestId)),
        ]
        if let upstreamCorrelationId { fields.append(("schwab_correlation_id", .string(upstreamCorrelationId))) }
        return .object(fields)
    }

    /// The JSON answer: status, `Cache-Control: no-store` (RFC 6749 §5.1) and `X-Request-Id`.
    public var jsonResponse: HTTPResponse {
        var response = HTTPResponse.json(json.jsonText, status: HTTPStatus(status))
        response.headers.set("Cache-Control", "no-store")
        if !requestId.isEmpty { response.headers.set("X-Request-Id", requestId) }
        return response
    }
}
