import EdgeCore

/// Schwab's tokens for one user, as stored (encrypted) in KV (seed "KV Token Store" schema plus
/// the absolute times we need to refresh on time and to know when the 7-day refresh token dies).
public struct SchwabTokens: Sendable, Equatable {
    /// Schwab's access token (30 minutes).
    public var accessToken: String
    /// Schwab's refresh token (7 days from the browser login, never extended).
    public var refreshToken: String
    /// `expires_in` as Schwab sent it.
    public var expiresIn: Int64
    /// When the access token expires, seconds since the epoch.
    public var expiresAt: Int64
    /// When the browser login happened (the refresh token dies 7 days later).
    public var refreshIssuedAt: Int64
    /// `token_type`, "Bearer".
    public var tokenType: String
    /// `scope` as sent (not relied on).
    public var scope: String
    /// `id_token` when sent.
    public var idToken: String?

    /// Tokens from their parts.
    public init(
        accessToken: String, refreshToken: String, expiresIn: Int64, expiresAt: Int64, refreshIssuedAt: Int64,
        tokenType: String = "Bearer", scope: String = "", idToken: String? = nil
    ) {
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.expiresIn = expiresIn
        self.expiresAt = expiresAt
        self.refreshIssuedAt = refreshIssuedAt
        self.tokenType = tokenType
        self.scope = scope
        self.idToken = idToken
    }

    /// Schwab refresh tokens live 7 days from the login (reference/schwab-api.md §1).
    public static let refreshLifetime: Int64 = 7 * 86_400

    /// Refresh this long before the access token expires (seed: 5 minutes).
    public static let refreshLeeway: Int64 = 300

    /// Whether the access token should be refreshed at `now`.
    public func needsRefresh(now: Int64) -> Bool { expiresAt - Self.refreshLeeway <= now }

    /// Whether the refresh token is past Schwab's 7-day limit at `now`.
    public func refreshTokenExpired(now: Int64) -> Bool { refreshIssuedAt + Self.refreshLifetime <= now }

    /// Parses Schwab's token response (RFC 6749 §5.1); `previous` keeps the refresh token and login
    /// time when a refresh answer omits them.
    public static func parse(
        _ body: [UInt8], now: Int64, previous: SchwabTokens? = nil
    ) throws(AuthError) -> SchwabTokens {
        guard let json = try? JSONValue.parse(body), let access = json["access_token"]?.stringValue, !access.isEmpty
        else { throw AuthError(.codeExchange, "Schwab's token response has no access_token.") }
        guard let refresh = json["refresh_token"]?.stringValue ?? previous?.refreshToken else {
            throw AuthError(.codeExchange, "Schwab's token response has no refresh_token.")
        }
        let expiresIn = Int64(json["expires_in"]?.intValue ?? 1_800)
        let sameRefresh = previous.map { $0.refreshToken == refresh } ?? false
        return SchwabTokens(
            accessToken: access, refreshToken: refresh, expiresIn: expiresIn, expiresAt: now + expiresIn,
            refreshIssuedAt: sameRefresh ? previous!.refreshIssuedAt : now,
            tokenType: json["token_type"]?.stringValue ?? "Bearer", scope: json["scope"]?.stringValue ?? "",
            idToken: json["id_token"]?.stringValue)
    }

    var json: JSONValue {
        var fields: [(String, JSONValue)] = [
            ("access_token", .string(accessToken)), ("refresh_token", .string(refreshToken)),
            ("expires_in", .int(Int(expiresIn))), ("expires_at", .int(Int(expiresAt))),
            ("refresh_issued_at", .int(Int(refreshIssuedAt))), ("token_type", .string(tokenType)),
            ("scope", .string(scope)),
        ]
        if let idToken { fields.append(("id_token", .string(idToken))) }
        return .object(fields)
    }

    init?(json: JSONValue) {
        guard let access = json["access_token"]?.stringValue, let refresh = json["refresh_token"]?.stringValue,
            let expiresAt = json["expires_at"]?.intValue, let issued = json["refresh_issued_at"]?.intValue
        else { return nil }
        self.init(
            accessToken: access, refreshToken: refresh, expiresIn: Int64(json["expires_in"]?.intValue ?? 1_800),
            expiresAt: Int64(expiresAt), refreshIssuedAt: Int64(issued),
            tokenType: json["token_type"]?.stringValue ?? "Bearer", scope: json["scope"]?.stringValue ?? "",
            idToken: json["id_token"]?.stringValue)
    }
}
