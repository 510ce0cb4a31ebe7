import EdgeCore
import EdgeHTTP

/// A refusal or failure of the OAuth layer: a machine code, an HTTP status, a message a person can
/// act on, and the request id to quote when asking for help.
///
/// The kinds follow the seed's `AuthErrors` (MissingClientId, StateValidation, CodeExchange,
/// TokenRefresh) plus the OAuth error codes of RFC 6749 §5.2 and RFC 6750 §3.1, and the upstream
/// mapping table (401 invalid_token, 403 insufficient_scope, 429 rate_limited, 5xx server_error,
/// network_error). `Kind` is a struct so new kinds never break a `switch`.
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

        /// The request names no client, or one we do not know (seed: MissingClientId).
        public static let missingClientId = Kind(name: "MissingClientId", code: "invalid_client", status: 400)
        /// The `state` is missing, forged, expired or already used (seed: StateValidation).
        public static let stateValidation = Kind(name: "StateValidation", code: "invalid_request", status: 400)
        /// Schwab refused the authorization code, or the answer was unusable (seed: CodeExchange).
        public static let codeExchange = Kind(name: "CodeExchange", code: "server_error", status: 502)
        /// Schwab refused to refresh: the user must sign in again (seed: TokenRefresh).
        public static let tokenRefresh = Kind(name: "TokenRefresh", code: "invalid_token", status: 401)
        /// A parameter is missing, repeated or malformed (RFC 6749 §4.1.2.1, §5.2).
        public static let invalidRequest = Kind(name: "InvalidRequest", code: "invalid_request", status: 400)
        /// Client authentication failed (RFC 6749 §5.2).
        public static let invalidClient = Kind(name: "InvalidClient", code: "invalid_client", status: 401)
        /// A code or refresh token is invalid, expired, used, or bound to something else (RFC 6749 §5.2).
        public static let invalidGrant = Kind(name: "InvalidGrant", code: "invalid_grant", status: 400)
        /// The grant type is not one we issue (RFC 6749 §5.2).
        public static let unsupportedGrantType = Kind(
            name: "UnsupportedGrantType", code: "unsupported_grant_type", status: 400)
        /// A client ID metadata document could not be fetched or does not describe the client.
        public static let invalidClientDocument = Kind(
            name: "InvalidClientDocument", code: "invalid_client", status: 400)
        /// A registration's redirect URI is unacceptable (RFC 7591 §3.2.2).
        public static let invalidRedirectURI = Kind(
            name: "InvalidRedirectURI", code: "invalid_redirect_uri", status: 400)
        /// A registration's metadata is unacceptable (RFC 7591 §3.2.2).
        public static let invalidClientMetadata = Kind(
            name: "InvalidClientMetadata", code: "invalid_client_metadata", status: 400)
        /// A scope is unknown (RFC 6749 §4.1.2.1).
        public static let invalidScope = Kind(name: "InvalidScope", code: "invalid_scope", status: 400)
        /// The `resource` is not this server (RFC 8707 §2).
        public static let invalidTarget = Kind(name: "InvalidTarget", code: "invalid_target", status: 400)
        /// The approval form was not posted from our page in this browser (CSRF check failed).
        public static let forgedForm = Kind(name: "ForgedForm", code: "invalid_request", status: 403)
        /// The user declined on the approval page (RFC 6749 §4.1.2.1).
        public static let accessDenied = Kind(name: "AccessDenied", code: "access_denied", status: 403)
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

    /// An HTML error page for browser-facing endpoints (where no safe redirect exists).
    public var htmlResponse: HTTPResponse {
        var response = HTTPResponse.html(HTMLPage.error(self), status: HTTPStatus(status))
        response.headers.set("Cache-Control", "no-store")
        if !requestId.isEmpty { response.headers.set("X-Request-Id", requestId) }
        return response
    }
}
