import EdgeCore
import EdgeKV
import Schwab

/// What the Schwab tools of one user need: that user's client and accounts, the KV namespace for
/// audit and confirmations, the trading settings, a logger, and what to do when the sign-in dies.
///
/// Built by the session host once per object activation (and by `schwab-mcp stdio` once), so it
/// holds references only; building it does no I/O.
public struct SchwabToolEnvironment: Sendable {
    /// The user's Schwab client (owns that user's cache).
    public var client: SchwabClient
    /// The user's accounts: display names in, hashes out, and the scrubber.
    public var accounts: AccountDirectory
    /// The object id or local user, for audit records and confirmations.
    public var userKey: String
    /// The `OAUTH_KV` namespace client, for audit and confirmations.
    public var kv: any KVBackend
    /// The namespace name (`OAUTH_KV`).
    public var namespace: String
    /// Whether the order tools exist and their limits.
    public var trading: TradingSettings
    /// Where tools log (never numbers, hashes or tokens).
    public var logger: Logger
    /// Called after a tool met a dead Schwab sign-in: the host revokes the user's grants so the
    /// MCP client's next request gets 401 and it re-authorizes.
    public var onSignInExpired: @Sendable () async -> Void

    /// An environment from its parts.
    public init(
        client: SchwabClient, accounts: AccountDirectory, userKey: String, kv: any KVBackend,
        namespace: String = "OAUTH_KV", trading: TradingSettings = .disabled, logger: Logger,
        onSignInExpired: @escaping @Sendable () async -> Void = {}
    ) {
        self.client = client
        self.accounts = accounts
        self.userKey = userKey
        self.kv = kv
        self.namespace = namespace
        self.trading = trading
        self.logger = logger
        self.onSignInExpired = onSignInExpired
    }
}
