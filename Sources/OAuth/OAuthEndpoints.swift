import EdgeCore
import EdgeHTTP
import EdgeKV
import EdgeNet
import Foundation
import SchwabAuth
import Synchronization

/// The authorization server's HTTP endpoints, ready to be added to the router's routes:
/// discovery (RFC 8414, RFC 9728), `/register` (RFC 7591), `/authorize` GET and POST (the approval
/// page), `/callback` (the Schwab sign-in), `/token` and `/revoke` (RFC 7009).
///
/// Every endpoint answers with `X-Request-Id`; the auth endpoints share a per-IP token bucket.
/// The rate limiter is the only mutable state and sits behind a `Mutex`.
public final class OAuthEndpoints: Sendable {
    /// Who we are and what we protect.
    public let settings: OAuthSettings
    /// Grants, codes, tokens and clients.
    public let grants: GrantStore
    /// The check the router runs on every MCP request.
    public let bearer: BearerAuthenticator
    /// Schwab's tokens at rest.
    public let schwabTokens: SchwabTokenStore
    /// Schwab's OAuth server.
    public let schwab: SchwabOAuthClient
    /// Keeps Schwab access tokens fresh (the user's object uses it).
    public let tokenManager: TokenManager
    let keys: OAuthKeys
    let upstream: UpstreamClient
    let logger: Logger
    let clock: @Sendable () -> Int64
    let limiter: Mutex<RateLimiter>

    /// Endpoints over `kv`, reaching Schwab (and client metadata documents) through `upstream`.
    /// `clock` gives seconds since the epoch; `rateLimit` is the per-IP bucket for auth endpoints.
    public init(
        settings: OAuthSettings, keys: OAuthKeys, kv: any KVBackend, upstream: UpstreamClient, logger: Logger,
        rateLimit: RateLimiter = RateLimiter(),
        clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    ) {
        self.settings = settings
        self.keys = keys
        self.upstream = upstream
        self.clock = clock
        let logger = logger.named("oauth").scrubbing([settings.schwab.clientSecret])
        self.logger = logger
        grants = GrantStore(kv: kv, settings: settings, clock: clock)
        bearer = BearerAuthenticator(settings: settings, grants: grants, logger: logger)
        schwabTokens = SchwabTokenStore(kv: kv, namespace: settings.namespace, key: keys.tokens)
        schwab = SchwabOAuthClient(settings: settings.schwab, upstream: upstream)
        tokenManager = TokenManager(store: schwabTokens, schwab: schwab, logger: logger, clock: clock)
        limiter = Mutex(rateLimit)
    }

    /// Adds every OAuth route to `routes`.
    public func install(into routes: inout RoutedResponder) {
        routes.add(.get, "/.well-known/oauth-authorization-server") { [self] request in
            .now(self.json(ServerMetadata.authorizationServer(self.settings), request: request))
        }
        routes.add(.get, "/.well-known/oauth-protected-resource") { [self] request in
            .now(self.protectedResource(path: "", request: request))
        }
        routes.add(.get, "/.well-known/oauth-protected-resource/*rest") { [self] request in
            .now(self.protectedResource(path: "/" + (request.parameters["rest"] ?? ""), request: request))
        }
        routes.add(.post, "/register", bodyLimit: ClientRegistration.maximumBodyBytes) { [self] request in
            self.limited(request, json: true) { id in await self.register(request, requestId: id) }
        }
        routes.add(.get, "/authorize") { [self] request in
            self.limited(request, json: false) { id in await self.authorizeGet(request, requestId: id) }
        }
        routes.add(.post, "/authorize", bodyLimit: 64 * 1024) { [self] request in
            self.limited(request, json: false) { id in await self.authorizePost(request, requestId: id) }
        }
        routes.add(.get, "/callback") { [self] request in
            self.limited(request, json: false) { id in await self.callback(request, requestId: id) }
        }
        routes.add(.post, "/token", bodyLimit: 64 * 1024) { [self] request in
            self.limited(request, json: true) { id in await self.token(request, requestId: id) }
        }
        routes.add(.post, "/revoke", bodyLimit: 64 * 1024) { [self] request in
            self.limited(request, json: true) { id in await self.revoke(request, requestId: id) }
        }
        for path in ["/token", "/register", "/revoke", "/.well-known/oauth-authorization-server"] {
            routes.add(.options, path) { _ in .now(Self.preflight()) }
        }
    }

    /// A responder serving only the OAuth routes (the router adds its MCP routes beside them).
    public var responder: RoutedResponder {
        var routes = RoutedResponder()
        install(into: &routes)
        return routes
    }

    // MARK: Discovery and registration

    func protectedResource(path: String, request: HTTPRequest) -> HTTPResponse {
        guard let document = ServerMetadata.protectedResource(settings, path: path) else {
            let error = AuthError(
                .invalidRequest, "no protected resource at '\(path)'.", requestId: RequestID.of(request))
            var response = error.jsonResponse
            response.status = .notFound
            return response
        }
        return json(document, request: request)
    }

    func register(_ request: HTTPRequest, requestId: String) async -> HTTPResponse {
        do {
            let outcome = try ClientRegistration.register(
                body: request.body, now: clock(), idleLifetime: settings.clientIdleLifetime)
            try await grants.saveClient(outcome.client)
            logger.info(
                "client registered",
                [("request_id", .string(requestId)), ("client_id", .string(outcome.client.clientId))])
            var response = json(outcome.response, request: request, requestId: requestId)
            response.status = .created
            return response
        } catch {
            return fail(error, requestId: requestId, json: true)
        }
    }

    // MARK: Helpers

    /// Rate limits by peer address, then runs `body` later with a request id.
    func limited(
        _ request: HTTPRequest, json: Bool, _ body: @escaping @Sendable (String) async -> HTTPResponse
    ) -> HTTPReply {
        let requestId = RequestID.of(request)
        let now = Double(clock())
        let decision = limiter.withLock { $0.take(request.remoteAddress, now: now) }
        if case .limited(let retryAfter) = decision {
            let error = AuthError(
                .rateLimited, "too many sign-in requests from your address; retry in \(retryAfter) seconds.",
                requestId: requestId)
            logger.warn("rate limited", [("request_id", .string(requestId)), ("peer", .string(request.remoteAddress))])
            var response = json ? error.jsonResponse : error.htmlResponse
            response.headers.set("Retry-After", String(retryAfter))
            return .now(response)
        }
        return .later { await body(requestId) }
    }

    func json(_ value: JSONValue, request: HTTPRequest, requestId: String? = nil) -> HTTPResponse {
        var response = HTTPResponse.json(value.jsonText)
        response.headers.set("Cache-Control", "no-store")
        response.headers.set("Access-Control-Allow-Origin", "*")
        response.headers.set("X-Request-Id", requestId ?? RequestID.of(request))
        return response
    }

    func fail(_ error: AuthError, requestId: String, json: Bool) -> HTTPResponse {
        let stamped = error.with(requestId: requestId)
        logger.info(
            "oauth request refused",
            [("request_id", .string(requestId)), ("kind", .string(error.kind.name)), ("code", .string(error.code))])
        var response = json ? stamped.jsonResponse : stamped.htmlResponse
        if json { response.headers.set("Access-Control-Allow-Origin", "*") }
        if !json { Self.pageHeaders(&response) }
        return response
    }

    /// Headers for pages: no framing (clickjacking on the approval form), no caching, no referrer.
    static func pageHeaders(_ response: inout HTTPResponse) {
        response.headers.set("X-Frame-Options", "DENY")
        response.headers.set(
            "Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' *; frame-ancestors 'none'")
        response.headers.set("Cache-Control", "no-store")
        response.headers.set("Referrer-Policy", "no-referrer")
    }

    static func preflight() -> HTTPResponse {
        var response = HTTPResponse(status: .noContent)
        response.headers.set("Access-Control-Allow-Origin", "*")
        response.headers.set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
        response.headers.set("Access-Control-Allow-Headers", "Authorization, Content-Type, MCP-Protocol-Version")
        response.headers.set("Access-Control-Max-Age", "600")
        return response
    }
}
