import EdgeCore
import EdgeHTTP
import SchwabAuth

/// The resource server's check on every MCP request (RFC 6750, MCP 2025-11-25 authorization).
///
/// The token must come in the `Authorization` header only (RFC 6750 §2.1; a query `access_token`
/// is refused, MCP forbids it), be known, unexpired and not revoked, and be bound to this server and
/// this path (RFC 8707 audience). A 401 carries `WWW-Authenticate: Bearer resource_metadata=...,
/// scope=...` (RFC 9728 §5.1); a missing scope is a 403 `insufficient_scope` (RFC 6750 §3.1).
public struct BearerAuthenticator: Sendable {
    /// The verdict.
    public enum Outcome: Sendable {
        /// The token is good: these props identify the user and grant.
        case authorized(GrantProps)
        /// Answer with this response (401, 403, 400 or 503), already complete with headers.
        case refused(HTTPResponse, AuthError)
    }

    let settings: OAuthSettings
    let grants: GrantStore
    let logger: Logger

    /// An authenticator checking tokens in `grants`.
    public init(settings: OAuthSettings, grants: GrantStore, logger: Logger) {
        self.settings = settings
        self.grants = grants
        self.logger = logger.named("oauth.bearer")
    }

    /// Checks `request`; `requiredScopes` are the scopes the endpoint or tool needs.
    public func authenticate(_ request: HTTPRequest, requiredScopes: [String] = []) async -> Outcome {
        let path = String(request.path)
        let requestId = RequestID.of(request)
        func refuse(_ error: AuthError, scopes: [String]? = nil) -> Outcome {
            let error = error.with(requestId: requestId)
            logger.info(
                "bearer refused",
                [("request_id", .string(requestId)), ("path", .string(path)), ("kind", .string(error.kind.name))])
            return .refused(response(for: error, path: path, scopes: scopes), error)
        }
        if request.queryParameters.contains("access_token") {
            return refuse(
                AuthError(
                    .invalidRequest,
                    "tokens are not accepted in the query string; send 'Authorization: Bearer <token>' (RFC 6750 §2.1)."
                ))
        }
        let fields = request.headers.values("Authorization")
        guard !fields.isEmpty else {
            return refuse(AuthError(.missingToken, "authorization required: send 'Authorization: Bearer <token>'."))
        }
        guard fields.count == 1, let value = fields.first, value.count > 7,
            value.prefix(7).lowercased() == "bearer "
        else {
            return refuse(AuthError(.invalidRequest, "the Authorization header must be one 'Bearer <token>' field."))
        }
        let token = String(Substring(value.dropFirst(7)).trimmingSpaces)
        let props: GrantProps
        do {
            props = try await grants.authenticate(accessToken: token)
        } catch {
            return refuse(error)
        }
        guard covers(resource: props.resource, path: path) else {
            return refuse(
                AuthError(
                    .invalidToken,
                    "the access token was issued for \(props.resource), not for this endpoint; authorize for \(settings.issuer + path)."
                ))
        }
        let missing = requiredScopes.filter { !props.scopes.contains($0) }
        guard missing.isEmpty else {
            return refuse(
                AuthError(
                    .insufficientScope,
                    "this needs the scope '\(missing.joined(separator: " "))'; authorize again with it."),
                scopes: props.scopes + missing)
        }
        return .authorized(props)
    }

    /// Whether a token bound to `resource` may be used on `path` (RFC 8707 audience): the base URL
    /// covers every MCP path; an MCP URL covers its own path, its sub-paths, and for `/sse` the
    /// legacy transport's `/messages`.
    public func covers(resource: String, path: String) -> Bool {
        guard settings.resources.contains(resource) else { return false }
        if resource == settings.issuer { return true }
        let base = String(resource.dropFirst(settings.issuer.count))
        var allowed = [base]
        if base == "/sse" { allowed.append("/messages") }
        return allowed.contains { path == $0 || path.hasPrefix($0 + "/") }
    }

    /// The refusal response: status, `WWW-Authenticate`, JSON body with the request id.
    public func response(for error: AuthError, path: String, scopes: [String]? = nil) -> HTTPResponse {
        var response = error.jsonResponse
        let status =
            error.status == 503
            ? 503 : (error.kind == .insufficientScope ? 403 : (error.kind == .invalidRequest ? 400 : 401))
        response.status = HTTPStatus(status)
        let challenge = BearerChallenge(
            resourceMetadata: ServerMetadata.protectedResourceURL(settings, forPath: path),
            scopes: scopes ?? settings.defaultScopes,
            error: error.kind == .missingToken ? nil : error.code,
            errorDescription: error.message)
        if status != 503 { response.headers.set("WWW-Authenticate", challenge.headerValue) }
        return response
    }
}

/// The request id every OAuth answer carries: the caller's `X-Request-Id` when it is a short
/// token, else a fresh random one.
enum RequestID {
    static func of(_ request: HTTPRequest) -> String {
        if let given = request.headers["X-Request-Id"], !given.isEmpty, given.utf8.count <= 64,
            given.utf8.allSatisfy({ b in
                (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2D
                    || b == 0x5F
            })
        {
            return given
        }
        return fresh()
    }

    static func fresh() -> String {
        let bytes = (0..<8).map { _ in UInt8.random(in: 0...255) }
        return bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }
            .joined()
    }
}
