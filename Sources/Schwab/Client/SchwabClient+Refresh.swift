import Synchronization

/// The guard against refresh storms: Schwab also answers 401 when no account is linked to the
/// app, and refreshing the token cannot fix that, so a token that a 401 refresh produced and
/// Schwab refused at once is not refreshed again for a minute.
extension SchwabClient {
    /// A refreshed token that Schwab still refused.
    struct FutileRefresh: Sendable {
        let token: String
        let at: Double
    }

    /// Remembers that Schwab refused `token` right after it was refreshed for a 401.
    func noteFutileRefresh(_ token: String) {
        let now = options.now()
        futileRefresh.withLock { $0 = FutileRefresh(token: token, at: now) }
    }

    /// Whether `token` is one Schwab refused right after a refresh, within the last minute.
    func refreshWasFutile(_ token: String) -> Bool {
        let now = options.now()
        return futileRefresh.withLock { last in
            guard let last else { return false }
            return last.token == token && now - last.at < Self.futileRefreshMemory
        }
    }

    /// How long a refreshed-and-still-refused token is not refreshed again, in seconds.
    static let futileRefreshMemory: Double = 60
}
