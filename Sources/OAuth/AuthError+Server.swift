import EdgeHTTP
import SchwabAuth

/// The authorization server's kinds of `AuthError` (RFC 6749 §4.1.2.1 and §5.2, RFC 6750 §3.1,
/// RFC 7591 §3.2.2, RFC 8707 §2), beside the Schwab-side kinds `SchwabAuth` declares: `Kind` is an
/// extensible struct, so each layer adds its own without a shared `switch` to break.
extension AuthError.Kind {
    /// The request names no client, or one we do not know (seed: MissingClientId).
    public static let missingClientId = Self(name: "MissingClientId", code: "invalid_client", status: 400)
    /// The `state` is missing, forged, expired or already used (seed: StateValidation).
    public static let stateValidation = Self(name: "StateValidation", code: "invalid_request", status: 400)
    /// A parameter is missing, repeated or malformed (RFC 6749 §4.1.2.1, §5.2).
    public static let invalidRequest = Self(name: "InvalidRequest", code: "invalid_request", status: 400)
    /// Client authentication failed (RFC 6749 §5.2).
    public static let invalidClient = Self(name: "InvalidClient", code: "invalid_client", status: 401)
    /// A code or refresh token is invalid, expired, used, or bound to something else (RFC 6749 §5.2).
    public static let invalidGrant = Self(name: "InvalidGrant", code: "invalid_grant", status: 400)
    /// The grant type is not one we issue (RFC 6749 §5.2).
    public static let unsupportedGrantType = Self(
        name: "UnsupportedGrantType", code: "unsupported_grant_type", status: 400)
    /// A client ID metadata document could not be fetched or does not describe the client.
    public static let invalidClientDocument = Self(
        name: "InvalidClientDocument", code: "invalid_client", status: 400)
    /// A registration's redirect URI is unacceptable (RFC 7591 §3.2.2).
    public static let invalidRedirectURI = Self(
        name: "InvalidRedirectURI", code: "invalid_redirect_uri", status: 400)
    /// A registration's metadata is unacceptable (RFC 7591 §3.2.2).
    public static let invalidClientMetadata = Self(
        name: "InvalidClientMetadata", code: "invalid_client_metadata", status: 400)
    /// A scope is unknown (RFC 6749 §4.1.2.1).
    public static let invalidScope = Self(name: "InvalidScope", code: "invalid_scope", status: 400)
    /// The `resource` is not this server (RFC 8707 §2).
    public static let invalidTarget = Self(name: "InvalidTarget", code: "invalid_target", status: 400)
    /// The approval form was not posted from our page in this browser (CSRF check failed).
    public static let forgedForm = Self(name: "ForgedForm", code: "invalid_request", status: 403)
    /// The request carries no bearer token at all; its challenge names no error code
    /// (RFC 6750 §3.1: a request lacking any authentication information).
    public static let missingToken = Self(name: "MissingToken", code: "invalid_token", status: 401)
    /// The user declined on the approval page (RFC 6749 §4.1.2.1).
    public static let accessDenied = Self(name: "AccessDenied", code: "access_denied", status: 403)
}

extension AuthError {
    /// An HTML error page for browser-facing endpoints (where no safe redirect exists).
    public var htmlResponse: HTTPResponse {
        var response = HTTPResponse.html(HTMLPage.error(self), status: HTTPStatus(status))
        response.headers.set("Cache-Control", "no-store")
        if !requestId.isEmpty { response.headers.set("X-Request-Id", requestId) }
        return response
    }
}
