import SchwabAuth

/// What the OAuth layer is configured with: who we are, which resources we protect, the scopes we
/// grant, lifetimes, and where Schwab lives.
///
/// Built by the router from `Config.runtime.publicURL` and `Secrets`; tests build it directly.
public struct OAuthSettings: Sendable {
    /// Our issuer identifier (RFC 8414 §2): the public base URL without a trailing slash. The same
    /// string appears in AS metadata, PRM `authorization_servers`, and the `iss` of responses.
    public var issuer: String
    /// The MCP endpoint paths we protect (`/mcp`, `/sse`); each has a PRM document (RFC 9728 §3.1).
    public var resourcePaths: [String]
    /// Scopes we can grant; the first ones in `defaultScopes` are granted when none is asked.
    public var supportedScopes: [String]
    /// Scopes granted when the request names none, and announced in the 401 challenge.
    public var defaultScopes: [String]
    /// The KV namespace holding grants, clients and Schwab tokens.
    public var namespace: String
    /// Access token lifetime in seconds.
    public var accessTokenLifetime: Int64 = 3_600
    /// Refresh grant lifetime in seconds (the grant record's TTL, renewed on each refresh).
    public var refreshTokenLifetime: Int64 = 30 * 86_400
    /// Authorization code lifetime in seconds (RFC 6749 §4.1.2 recommends at most 10 minutes).
    public var codeLifetime: Int64 = 60
    /// How long a dynamically registered client lives without being used.
    public var clientIdleLifetime: Int64 = 30 * 86_400
    /// How long the approval page and the Schwab `state` stay valid: 10 minutes.
    public var stateLifetime: Int64 = 600
    /// How long the approval cookie remembers a client.
    public var approvalLifetime: Int64 = 30 * 86_400
    /// Whether client ID metadata documents (HTTPS `client_id` URLs) are accepted.
    public var clientMetadataDocuments = true
    /// Schwab's side: endpoints and app credentials.
    public var schwab: SchwabOAuthSettings

    /// Settings for `issuer` (its trailing slash dropped) protecting `resourcePaths`.
    public init(
        issuer: String, resourcePaths: [String] = ["/mcp", "/sse"], supportedScopes: [String] = ["read", "trade"],
        defaultScopes: [String] = ["read"], namespace: String = "OAUTH_KV", schwab: SchwabOAuthSettings
    ) {
        var base = issuer
        while base.hasSuffix("/") { base.removeLast() }
        self.issuer = base
        self.resourcePaths = resourcePaths
        self.supportedScopes = supportedScopes
        self.defaultScopes = defaultScopes
        self.namespace = namespace
        self.schwab = schwab
    }

    /// Whether cookies can carry `Secure`: only when we are served over HTTPS. (Non-browser
    /// clients such as Python's cookie jar drop `Secure` cookies on plain-HTTP loopback.)
    public var secureCookies: Bool { issuer.hasPrefix("https://") }

    /// The resource identifiers we accept (RFC 8707 §2): the base URL and each MCP URL.
    public var resources: [String] { [issuer] + resourcePaths.map { issuer + $0 } }

    /// The canonical resource for a `resource` parameter, or an `invalid_target` error. Absent
    /// means the whole server (clients before MCP 2025-06-18 do not send it).
    public func canonicalResource(_ requested: String?) throws(AuthError) -> String {
        guard var value = requested, !value.isEmpty else { return issuer }
        if value.hasSuffix("/") && value.count > issuer.count { value.removeLast() }
        guard resources.contains(value) else {
            throw AuthError(
                .invalidTarget,
                "resource '\(value)' is not served here; use one of \(resources.joined(separator: ", ")) (RFC 8707).")
        }
        return value
    }

    /// The scopes granted for a request's `scope` parameter, or `invalid_scope`.
    public func grantedScopes(_ requested: String?) throws(AuthError) -> [String] {
        let asked = (requested ?? "").split(separator: " ").map(String.init)
        if asked.isEmpty { return defaultScopes }
        for scope in asked where !supportedScopes.contains(scope) {
            throw AuthError(
                .invalidScope, "scope '\(scope)' is unknown; ask for \(supportedScopes.joined(separator: " ")).")
        }
        var unique: [String] = []
        for scope in asked where !unique.contains(scope) { unique.append(scope) }
        return unique
    }
}
