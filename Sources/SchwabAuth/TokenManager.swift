import EdgeCore
import Synchronization

/// Keeps a user's Schwab access token fresh (seed "Enhanced Token Manager").
///
/// Loads from KV (the single source of truth), refreshes 5 minutes before expiry, saves the result,
/// and does so once per user even when calls race: concurrent callers for one user share one
/// in-flight refresh (single flight). A dead refresh token (Schwab's 7 days) yields the TokenRefresh
/// error that tells the user, in plain words, to sign in again, and maps to a 401 for the MCP client
/// so it re-authorizes.
public final class TokenManager: Sendable {
    let store: SchwabTokenStore
    let schwab: SchwabOAuthClient
    let clock: @Sendable () -> Int64
    let logger: Logger
    private let inFlight = Mutex<[String: Task<SchwabTokens, any Error>]>([:])
    private let refreshCount = Atomic<Int>(0)

    /// A manager over `store`, refreshing through `schwab`; `clock` gives seconds since the epoch.
    public init(
        store: SchwabTokenStore, schwab: SchwabOAuthClient, logger: Logger, clock: @escaping @Sendable () -> Int64
    ) {
        self.store = store
        self.schwab = schwab
        self.logger = logger.named("oauth.tokens")
        self.clock = clock
    }

    /// How many refreshes reached Schwab (for tests of single flight and for metrics).
    public var refreshes: Int { refreshCount.load(ordering: .relaxed) }

    /// A valid Schwab access token for the user, refreshed first when it expires within 5 minutes.
    public func accessToken(schwabUserId: String?, clientId: String) async throws(AuthError) -> String {
        try await tokens(schwabUserId: schwabUserId, clientId: clientId).accessToken
    }

    /// The user's current tokens, refreshed when due.
    public func tokens(schwabUserId: String?, clientId: String) async throws(AuthError) -> SchwabTokens {
        guard let current = try await store.load(schwabUserId: schwabUserId, clientId: clientId) else {
            throw AuthError(
                .tokenRefresh, "No Schwab sign-in is stored for this user. Sign in again from your MCP client.")
        }
        switch TokenRefreshPolicy.decide(current, now: clock()) {
        case .use: return current
        case .signInAgain: throw Self.signInAgain
        case .refresh: break
        }
        return try await singleFlight(schwabUserId: schwabUserId, clientId: clientId, rejected: nil)
    }

    /// A new access token after Schwab refused `rejected` with 401 mid-session (its token was
    /// revoked or expired early): refreshes at Schwab unless another caller already replaced the
    /// rejected token, in which case the replacement is returned without a second refresh.
    ///
    /// Concurrent callers for one user share one refresh (the same single flight as `tokens`),
    /// so a burst of 401s costs Schwab one refresh. A dead refresh token is the TokenRefresh error.
    public func refreshNow(schwabUserId: String?, clientId: String, rejected: String) async throws(AuthError) -> String
    {
        guard let current = try await store.load(schwabUserId: schwabUserId, clientId: clientId) else {
            throw AuthError(
                .tokenRefresh, "No Schwab sign-in is stored for this user. Sign in again from your MCP client.")
        }
        if current.accessToken != rejected, TokenRefreshPolicy.decide(current, now: clock()) == .use {
            return current.accessToken
        }
        return try await singleFlight(schwabUserId: schwabUserId, clientId: clientId, rejected: rejected).accessToken
    }

    /// Joins the user's refresh in flight, or starts one.
    private func singleFlight(
        schwabUserId: String?, clientId: String, rejected: String?
    ) async throws(AuthError) -> SchwabTokens {
        let user = schwabUserId ?? clientId
        let task = inFlight.withLock { tasks in
            if let running = tasks[user] { return running }
            let task = Task<SchwabTokens, any Error> {
                defer { _ = self.inFlight.withLock { $0.removeValue(forKey: user) } }
                return try await self.refreshAndSave(schwabUserId: schwabUserId, clientId: clientId, rejected: rejected)
            }
            tasks[user] = task
            return task
        }
        do {
            return try await task.value
        } catch let error as AuthError {
            throw error
        } catch {
            throw AuthError(.serverError, "the token refresh failed unexpectedly; retry.")
        }
    }

    /// The plain-words error for a dead Schwab sign-in; maps to 401 so the MCP client re-authorizes.
    static let signInAgain = AuthError(
        .tokenRefresh,
        "Your Schwab sign-in has expired (Schwab allows 7 days). Sign in again: reconnect your MCP client and approve it once more."
    )

    /// Re-reads (another process may have refreshed already), refreshes at Schwab, saves. With
    /// `rejected`, refreshes even when the stored token looks valid, if it is still the rejected one.
    private func refreshAndSave(
        schwabUserId: String?, clientId: String, rejected: String?
    ) async throws(AuthError) -> SchwabTokens {
        guard let latest = try await store.load(schwabUserId: schwabUserId, clientId: clientId) else {
            throw AuthError(
                .tokenRefresh, "No Schwab sign-in is stored for this user. Sign in again from your MCP client.")
        }
        let now = clock()
        switch TokenRefreshPolicy.decide(latest, now: now) {
        case .use:
            guard let rejected, latest.accessToken == rejected else { return latest }
            if latest.refreshTokenExpired(now: now) { throw Self.signInAgain }
        case .signInAgain: throw Self.signInAgain
        case .refresh: break
        }
        refreshCount.add(1, ordering: .relaxed)
        do {
            let fresh = try await schwab.refresh(latest, now: now)
            try await store.save(fresh, schwabUserId: schwabUserId, clientId: clientId)
            logger.info("schwab token refreshed", [("user", .string(schwabUserId ?? clientId))])
            return fresh
        } catch {
            logger.warn(
                "schwab token refresh failed",
                [("user", .string(schwabUserId ?? clientId)), ("kind", .string(error.kind.name))])
            throw error
        }
    }
}
