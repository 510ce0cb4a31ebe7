import EdgeCore
import MCP
import Schwab

extension SchwabToolbox {
    /// `status`: the built-in facts plus the Schwab side under `extra`: whether the user is signed
    /// in to Schwab, the accounts known (display names only), the cache's counters, whether
    /// trading is on. It asks Schwab afresh (two calls), so a dead sign-in shows. Never fails: a Schwab problem shows as `signedIn: false` and its reason.
    static func status(_ env: SchwabToolEnvironment, server: MCPServerInfo) -> ToolDeclaration {
        BuiltinTools.status(server: server) { _ in
            var facts: [(String, JSONValue)] = []
            do throws(SchwabAPIError) {
                let map = try await env.accounts.map(fresh: true)
                facts.append(("signedIn", true))
                facts.append(("accounts", .array(map.displayNames.map(JSONValue.string))))
            } catch {
                facts.append(("signedIn", .bool(error.kind != .signInRequired && error.kind != .invalidToken)))
                facts.append(("accounts", .array(env.accounts.lastKnown?.displayNames.map(JSONValue.string) ?? [])))
                facts.append(("schwabError", .string(env.accounts.scrubber.scrub(error.description))))
                if error.kind == .signInRequired { await env.onSignInExpired() }
            }
            let stats = env.client.cacheStats
            facts.append(
                (
                    "cache",
                    .object([
                        ("enabled", .bool(stats.enabled)), ("hits", .int(stats.hits)), ("misses", .int(stats.misses)),
                        ("entries", .int(stats.entries)),
                    ])
                ))
            facts.append(("tradingEnabled", .bool(env.trading.enabled)))
            return [("schwab", .object(facts))]
        }
    }

    /// The order tools (owned by the trading part), listed only when trading is on.
    static func tradingTools(_ env: SchwabToolEnvironment) -> [ToolDeclaration] {
        TradingTools.tools(env)
    }
}
