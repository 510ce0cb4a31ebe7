import EdgeCore
import EdgeKV
import EdgeNet
import Foundation
import MCP
import OAuth
import Schwab
import SchwabAuth
import SchwabTools

/// The Schwab side of a session host, built once per process: one upstream HTTP client, the KV
/// namespace of Schwab tokens and grants, the token manager, and the trading settings. Its
/// `provider` builds each object's tools: that user's `SchwabClient` (tokens from KV through the
/// token manager), `AccountDirectory` and `SchwabToolbox`. No I/O happens until a tool runs.
///
/// A host without Schwab set up (no `COOKIE_ENCRYPTION_KEY`, so no stored sign-in can be read)
/// still starts: its tools answer that the user is not signed in and how to fix it.
public struct SchwabToolHost: Sendable {
    /// The Schwab API base URL (`SCHWAB_API_BASE_URL`, else `https://api.schwabapi.com`).
    public let apiBase: String
    /// The KV namespace of tokens and grants (the `OAUTH_KV` binding).
    public let namespace: String
    /// Whether and how orders may be placed (`[vars]`).
    public let trading: TradingSettings
    /// Why stored sign-ins cannot be used, when they cannot (shown by every tool call).
    public let unavailable: String?
    /// Whether `SCHWAB_CLIENT_ID` and `SCHWAB_CLIENT_SECRET` are set: without them stored access
    /// tokens work until they expire (30 minutes) but cannot be refreshed.
    public let canRefresh: Bool
    /// Whether the diagnostic `echo` tool is listed: everywhere but `ENVIRONMENT = "production"`,
    /// where an assistant should see only the Schwab tools.
    public let listsDiagnostics: Bool
    /// How each user's client retries and caches (`SCHWAB_CACHE = "off"` in `[vars]` turns the
    /// cache off, for comparisons).
    public let clientOptions: SchwabClient.Options
    let upstream: UpstreamClient
    let kv: any KVBackend
    let tokenManager: TokenManager?
    let grants: GrantStore?
    let logger: Logger

    /// The local user's message when no usable Schwab sign-in is stored.
    public static let localSignIn =
        "Not signed in to Schwab: run `schwab-mcp login` on the server (it stores the sign-in for the local "
        + "user), or use auth = \"oauth\" so each user signs in from their MCP client."

    /// The host's Schwab side from its configuration and secrets; `kv` is the host's KV client.
    ///
    /// - Throws: `TradingSettingsError` when `[vars]` trading limits are invalid (the host must
    ///   not trade without a limit the operator meant to set).
    public init(
        config: Config, secrets: Secrets, kv: any KVBackend, upstream: UpstreamClient, logger: Logger,
        clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    ) throws(TradingSettingsError) {
        trading = try TradingSettings(config: config.vars)
        listsDiagnostics = config.vars.environment != "production"
        clientOptions = SchwabClient.Options(vars: config.vars.extra)
        canRefresh = secrets.hasSchwabCredentials
        let base = secrets.apiBaseURL.flatMap { $0.isEmpty ? nil : $0 } ?? OAuthSetup.defaultAPIBase
        apiBase = base
        namespace = config.kvNamespace(binding: OAuthSetup.namespaceBinding)?.binding ?? OAuthSetup.namespaceBinding
        self.kv = kv
        self.upstream = upstream
        self.logger = logger.named("tools")
        let schwab = SchwabOAuthSettings(
            apiBase: base, clientId: secrets.clientID ?? "", clientSecret: secrets.clientSecret ?? "",
            redirectURI: secrets.redirectURI.flatMap { $0.isEmpty ? nil : $0 }
                ?? OAuthSetup.callbackURL(issuer: config.runtime.publicURL))
        grants = GrantStore(
            kv: kv, settings: OAuthSettings(issuer: config.runtime.publicURL, namespace: namespace, schwab: schwab),
            clock: clock)
        guard let secret = secrets.cookieKey, !secret.isEmpty else {
            tokenManager = nil
            unavailable =
                "Schwab is not set up on this server: COOKIE_ENCRYPTION_KEY is not set, so no stored Schwab "
                + "sign-in can be read."
            return
        }
        do {
            let key = try SchwabTokenKey(cookieEncryptionKey: secret)
            tokenManager = TokenManager(
                store: SchwabTokenStore(kv: kv, namespace: namespace, key: key),
                schwab: SchwabOAuthClient(settings: schwab, upstream: upstream), logger: logger, clock: clock)
            unavailable = nil
        } catch {
            tokenManager = nil
            unavailable = "Schwab is not set up on this server: \(error.message)"
        }
    }

    /// The tool provider for `MCPObjectSettings.tools`.
    public var provider: MCPObjectSettings.ToolProvider {
        let host = self
        return { identity, server in host.tools(for: identity, server: server) }
    }

    /// One object's tools: the Schwab toolbox for its user, then the built-in `echo` outside
    /// production.
    public func tools(for identity: MCPObjectIdentity, server: MCPServerInfo) -> [ToolDeclaration] {
        let client = SchwabClient(
            apiBase: apiBase, upstream: upstream, tokens: accessTokens(for: identity), logger: logger,
            options: clientOptions)
        let env = SchwabToolEnvironment(
            client: client, accounts: AccountDirectory(client: client), userKey: identity.userId, kv: kv,
            namespace: namespace, trading: trading, logger: logger, onSignInExpired: signInExpired(for: identity))
        return SchwabToolbox.tools(env, server: server) + (listsDiagnostics ? [BuiltinTools.echo] : [])
    }

    /// Where `identity`'s Schwab access tokens come from: KV through the token manager, keyed
    /// `token:<schwabUserId>` (else the OAuth client id) or, without OAuth, `token:local`.
    func accessTokens(for identity: MCPObjectIdentity) -> SchwabAccessTokens {
        let local = identity.authMode != "oauth"
        let unavailable = self.unavailable
        guard let tokenManager else {
            let message = (unavailable ?? "") + (local ? " " + Self.localSignIn : " Ask the operator to set it up.")
            return SchwabAccessTokens(
                current: { () throws(AuthError) in throw AuthError(.tokenRefresh, message) },
                refreshed: { () throws(AuthError) in throw AuthError(.tokenRefresh, message) })
        }
        if !local {
            return .managed(
                by: tokenManager, schwabUserId: identity.schwabUserId, clientId: identity.clientId ?? identity.userId)
        }
        let managed = SchwabAccessTokens.managed(by: tokenManager, schwabUserId: nil, clientId: "local")
        // The local user signs in with `schwab-mcp login`, not from an MCP client: say so.
        return SchwabAccessTokens(
            current: { () throws(AuthError) in
                do throws(AuthError) { return try await managed.current() } catch { throw Self.relabelForLocal(error) }
            },
            replacing: { rejected throws(AuthError) in
                do throws(AuthError) { return try await managed.replacing(rejected) } catch {
                    throw Self.relabelForLocal(error)
                }
            })
    }

    /// The local user signs in with `schwab-mcp login`, not from an MCP client: say so.
    static func relabelForLocal(_ error: AuthError) -> AuthError {
        error.kind == .tokenRefresh ? AuthError(.tokenRefresh, localSignIn) : error
    }

    /// After a dead Schwab sign-in: revoke every grant of that Schwab user (or, without a known
    /// Schwab user, the grant in use), so the MCP client's next request gets 401 and it signs in
    /// again. Nothing to revoke for the local user, nor when this host cannot read sign-ins at all.
    func signInExpired(for identity: MCPObjectIdentity) -> @Sendable () async -> Void {
        // Without a token manager a new sign-in could not help: revoking would only loop the client.
        guard identity.authMode == "oauth", tokenManager != nil, let grants else { return {} }
        let logger = self.logger
        return {
            do throws(AuthError) {
                if let schwabUserId = identity.schwabUserId {
                    let count = try await grants.revokeGrants(schwabUserId: schwabUserId)
                    logger.info("schwab sign-in expired; grants revoked", [("grants", .int(count))])
                } else if let grantId = identity.grantId {
                    _ = try await grants.revokeGrant(id: grantId)
                    logger.info("schwab sign-in expired; grant revoked")
                }
            } catch {
                logger.warn("schwab sign-in expired; revoking grants failed", [("error", .string(error.code))])
            }
        }
    }
}
