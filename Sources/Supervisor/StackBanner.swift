import EdgeCore

/// The lines `schwab-mcp up` prints once everything is ready: where to point an MCP client,
/// where health and metrics live, the sandbox and its demo logins, the data folder, how to stop.
public enum StackBanner {
    /// The banner for `config` and `plan`; `demoLogins` are the sandbox's users, `pid` ours.
    public static func text(config: Config, plan: StackPlan, demoLogins: [String], pid: Int32) -> String {
        let base = config.runtime.publicURL
        let hosts = plan.processes.filter { $0.name.hasPrefix("host-") }.count
        let hasRouter = plan.processes.contains { $0.name == "router" }
        var parts = ["kv"]
        if hosts > 0 { parts.append("\(hosts) session host\(hosts == 1 ? "" : "s")") }
        if hasRouter { parts.append("router") }
        if plan.sandboxURL != nil { parts.append("Schwab sandbox") }
        var lines = ["", "  schwab-mcp is up: " + parts.joined(separator: ", ")]
        if !hasRouter { lines.append("  (this build has no router: the URLs below answer once it does)") }
        lines += [
            "",
            "  MCP endpoint      \(base)/mcp   (legacy SSE: \(base)/sse)",
            "  health            \(base)/health",
            "  metrics           \(base)/metrics",
            "  router listens on \(config.runtime.listenAddress):\(config.runtime.port)"
                + (config.runtime.tlsEnabled ? " (TLS)" : ""),
        ]
        switch config.runtime.auth {
        case .none: lines.append("  sign-in           none: local single-user mode (auth = \"none\")")
        case .oauth:
            lines.append("  sign-in           OAuth 2.1 (metadata at \(base)/.well-known/oauth-authorization-server)")
            if plan.sandboxURL != nil {
                lines.append(
                    "                    your MCP client opens \(base)/authorize: approve it, then log in at the sandbox "
                        + "as any demo user (password \"demo\", already filled in)")
            } else {
                lines.append(
                    "                    your MCP client opens \(base)/authorize: approve it, then sign in at Schwab")
            }
        }
        if let sandbox = plan.sandboxURL {
            lines.append("  Schwab sandbox    \(sandbox)   (demo logins: \(demoLogins.joined(separator: ", ")))")
        } else {
            lines.append("  Schwab API        the real one (SCHWAB_CLIENT_ID and SCHWAB_CLIENT_SECRET are set)")
        }
        lines += [
            "  data              \(config.runtime.dataDir)",
            "  sockets           \(config.runtime.socketDir)",
            "",
            "  Stop with Ctrl-C or `kill -TERM \(pid)`: the router drains first, kv last.",
            "",
        ]
        return lines.joined(separator: "\n")
    }
}
