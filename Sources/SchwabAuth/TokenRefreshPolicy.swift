/// What to do with stored Schwab tokens at a given moment: the token manager's decision, pure.
///
/// Refresh 5 minutes before the access token expires (seed "Enhanced Token Manager"; schwab-py's
/// 300 s leeway); past Schwab's 7-day refresh limit, do not even ask Schwab: the user must sign in
/// again (reference/schwab-api.md §1).
public enum TokenRefreshPolicy {
    /// The decision.
    public enum Action: Sendable, Equatable {
        /// The access token is good for more than 5 minutes: use it.
        case use
        /// Refresh now (once per user; racing callers wait for the same refresh).
        case refresh
        /// The refresh token is dead: tell the user to sign in again.
        case signInAgain
    }

    /// Decides for `tokens` at `now` (seconds since the epoch).
    public static func decide(_ tokens: SchwabTokens, now: Int64) -> Action {
        guard tokens.needsRefresh(now: now) else { return .use }
        return tokens.refreshTokenExpired(now: now) ? .signInAgain : .refresh
    }
}
