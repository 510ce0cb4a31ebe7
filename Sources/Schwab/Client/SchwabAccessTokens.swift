import SchwabAuth

/// Where a `SchwabClient` gets Schwab access tokens: the current one for each call, and a new one
/// after Schwab answered 401 (the client refreshes once, then retries once).
///
/// Errors are `AuthError`s: a `.tokenRefresh` kind (the 7-day refresh token is dead, or no sign-in
/// is stored) becomes `SchwabAPIError.Kind.signInRequired`.
public struct SchwabAccessTokens: Sendable {
    /// The token to send now (refreshed first when it is about to expire).
    public let current: @Sendable () async throws(AuthError) -> String
    /// A new token after Schwab refused `rejected` with 401.
    public let replacing: @Sendable (_ rejected: String) async throws(AuthError) -> String

    /// Tokens from two closures: the current token, and a freshly refreshed one.
    public init(
        current: @escaping @Sendable () async throws(AuthError) -> String,
        refreshed: @escaping @Sendable () async throws(AuthError) -> String
    ) {
        self.current = current
        self.replacing = { _ throws(AuthError) in try await refreshed() }
    }

    /// Tokens from the current token and a refresh told which token Schwab rejected, so a
    /// refresh another caller already made is not repeated.
    public init(
        current: @escaping @Sendable () async throws(AuthError) -> String,
        replacing: @escaping @Sendable (_ rejected: String) async throws(AuthError) -> String
    ) {
        self.current = current
        self.replacing = replacing
    }

    /// The user's tokens as `manager` keeps them in KV: refreshed before expiry, and after a 401
    /// refreshed once per user however many calls were rejected at the same time.
    public static func managed(by manager: TokenManager, schwabUserId: String?, clientId: String) -> SchwabAccessTokens
    {
        SchwabAccessTokens(
            current: { () throws(AuthError) in
                try await manager.accessToken(schwabUserId: schwabUserId, clientId: clientId)
            },
            replacing: { rejected throws(AuthError) in
                try await manager.refreshNow(schwabUserId: schwabUserId, clientId: clientId, rejected: rejected)
            })
    }

    /// A fixed token that cannot be refreshed (tests, one-off tools): a 401 refresh returns it again.
    public static func fixed(_ token: String) -> SchwabAccessTokens {
        SchwabAccessTokens(current: { () throws(AuthError) in token }, replacing: { _ throws(AuthError) in token })
    }
}
