import EdgeCrypto

/// Schwab's OAuth grants as a state machine: authorization codes, access and refresh tokens.
///
/// Codes are single-use and expire after 60 seconds; access tokens live 30 minutes and refresh
/// tokens 7 days from the ORIGINAL login, never extended by refreshing (schwab-py auth docs, see
/// reference/schwab-api.md §1). PKCE (RFC 7636 §4.6) is checked when the authorize request sent
/// a challenge. Tokens are opaque random strings; nothing here does I/O or reads a clock.
public struct OAuthStore: Sendable {
    /// Access token lifetime: 30 minutes.
    public static let accessLifetime = 1_800.0
    /// Refresh token lifetime: 7 days, counted from the browser login.
    public static let refreshLifetime = 7 * 86_400.0
    /// Authorization code lifetime.
    public static let codeLifetime = 60.0

    struct PendingCode: Sendable {
        let clientId: String
        let redirectURI: String
        let login: String
        let challenge: String?
        let method: String?
        let expires: Double
    }

    struct RefreshGrant: Sendable {
        let login: String
        let clientId: String
        let expires: Double
    }

    struct AccessGrant: Sendable {
        let login: String
        let expires: Double
    }

    private var codes: [String: PendingCode] = [:]
    private var refreshTokens: [String: RefreshGrant] = [:]
    private var accessTokens: [String: AccessGrant] = [:]

    /// What a successful token request returns.
    public struct TokenSet: Sendable, Equatable {
        public let accessToken: String
        public let refreshToken: String
        public let login: String
    }

    /// An empty store.
    public init() {}

    /// Records a login approved at `now` and returns the code for the redirect.
    public mutating func issueCode(
        clientId: String, redirectURI: String, login: String, challenge: String?, method: String?, now: Double
    ) -> String {
        let code = "C0." + SecureRandom.token(byteCount: 24) + "@"
        codes[code] = PendingCode(
            clientId: clientId, redirectURI: redirectURI, login: login, challenge: challenge, method: method,
            expires: now + OAuthStore.codeLifetime)
        return code
    }

    /// Exchanges a code (RFC 6749 §4.1.3): once only, same client, same redirect URI, PKCE verified.
    public mutating func exchange(
        code: String, clientId: String, redirectURI: String?, verifier: String?, now: Double
    )
        throws(SandboxError) -> TokenSet
    {
        guard let pending = codes.removeValue(forKey: code) else {
            throw OAuthStore.invalidGrant("the authorization code is unknown or was already used; log in again")
        }
        guard pending.expires > now else {
            throw OAuthStore.invalidGrant(
                "the authorization code expired; codes last \(Int(OAuthStore.codeLifetime)) seconds")
        }
        guard pending.clientId == clientId else {
            throw OAuthStore.invalidGrant("the authorization code was issued to another client")
        }
        guard redirectURI == pending.redirectURI else {
            throw OAuthStore.invalidGrant("redirect_uri must be exactly the one sent to /v1/oauth/authorize")
        }
        if let challenge = pending.challenge {
            guard let verifier else {
                throw OAuthStore.invalidGrant("code_verifier is required: the authorize request sent a code_challenge")
            }
            let computed = pending.method == "S256" ? Base64URL.encode(SHA256.hash(verifier)) : verifier
            guard ConstantTime.equals(computed, challenge) else {
                throw OAuthStore.invalidGrant("code_verifier does not match the code_challenge (RFC 7636 §4.6)")
            }
        }
        let refresh = SecureRandom.token(byteCount: 32) + "@"
        refreshTokens[refresh] = RefreshGrant(
            login: pending.login, clientId: clientId, expires: now + OAuthStore.refreshLifetime)
        return TokenSet(
            accessToken: mintAccess(login: pending.login, now: now), refreshToken: refresh, login: pending.login)
    }

    /// A new access token for a live refresh token; the refresh token itself is returned unchanged.
    public mutating func refresh(_ token: String, clientId: String, now: Double) throws(SandboxError) -> TokenSet {
        guard let grant = refreshTokens[token], grant.clientId == clientId else {
            throw OAuthStore.invalidGrant("the refresh token is unknown or belongs to another client; log in again")
        }
        guard grant.expires > now else {
            refreshTokens[token] = nil
            throw OAuthStore.invalidGrant("the refresh token expired (7 days after login); log in again in the browser")
        }
        return TokenSet(accessToken: mintAccess(login: grant.login, now: now), refreshToken: token, login: grant.login)
    }

    /// The demo user's login for a live access token, or nil.
    public func login(forAccessToken token: String, now: Double) -> String? {
        guard let grant = accessTokens[token], grant.expires > now else { return nil }
        return grant.login
    }

    /// Expires every access token (and every refresh token unless `keepRefresh`), for tests.
    public mutating func expireAll(keepRefresh: Bool) {
        accessTokens.removeAll()
        if !keepRefresh { refreshTokens.removeAll() }
    }

    private mutating func mintAccess(login: String, now: Double) -> String {
        if accessTokens.count > 10_000 { accessTokens = accessTokens.filter { $0.value.expires > now } }
        if codes.count > 10_000 { codes = codes.filter { $0.value.expires > now } }
        let token = "I0." + SecureRandom.token(byteCount: 32) + "@"
        accessTokens[token] = AccessGrant(login: login, expires: now + OAuthStore.accessLifetime)
        return token
    }

    static func invalidGrant(_ message: String) -> SandboxError {
        SandboxError(code: "invalid_grant", status: 400, message: message)
    }
}
