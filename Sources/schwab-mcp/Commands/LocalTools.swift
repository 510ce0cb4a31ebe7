import EdgeCore
import EdgeKV
import EdgeNet
import MCP
import SchwabTools
import SessionHost

/// The tools `schwab-mcp stdio` serves: the same toolbox a session host gives the object
/// `local` under `auth = "none"` (`SchwabToolHost`), so a desktop client sees the same tools
/// by either road.
enum LocalTools {
    /// The one user of local use: tokens live under `token:local` (`schwabUserId: nil`,
    /// `clientId: "local"`), as for the host's object `local` with `auth = "none"`.
    static let user = "local"
    /// The KV namespace of tokens.
    static let namespace = "OAUTH_KV"

    /// The local user's identity, as the router describes it with `auth = "none"`.
    static let identity = MCPObjectIdentity(userId: user, authMode: "none")

    /// The toolbox for the local user over `kv`, or why `[vars]` trading settings are refused.
    static func tools(
        server: MCPServerInfo, config: Config, secrets: Secrets, kv: any KVBackend, upstream: UpstreamClient,
        logger: Logger
    ) throws(TradingSettingsError) -> [ToolDeclaration] {
        let host = try SchwabToolHost(config: config, secrets: secrets, kv: kv, upstream: upstream, logger: logger)
        if let unavailable = host.unavailable {
            logger.warn("schwab tools answer 'not signed in'", [("reason", .string(unavailable))])
        }
        return host.tools(for: identity, server: server)
    }
}
