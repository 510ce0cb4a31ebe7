import EdgeCore
import EdgeKV
import MCP
import OAuth

/// The tools `schwab-mcp stdio` serves to the local user.
///
/// Until the Schwab toolbox is wired in, these are the built-in `status` (which also says
/// whether a Schwab sign-in is stored for the local user) and `echo`.
enum LocalTools {
    /// The one user of local use: tokens live under `token:local` (`schwabUserId: nil`,
    /// `clientId: "local"`), as for the host's object `local` with `auth = "none"`.
    static let user = "local"
    /// The KV namespace of tokens.
    static let namespace = "OAUTH_KV"

    static func tools(server: MCPServerInfo, kv: KVClient, secrets: Secrets, logger: Logger) -> [ToolDeclaration] {
        let status = BuiltinTools.status(server: server) { _ in
            let stored = (try? await kv.get(namespace: namespace, key: SchwabTokenStore.kvKey(user))) ?? nil
            return [
                ("schwabSignIn", .string(stored == nil ? "missing: run `schwab-mcp login`" : "stored")),
                ("user", .string(user)),
            ]
        }
        return [status, BuiltinTools.echo]
    }
}
