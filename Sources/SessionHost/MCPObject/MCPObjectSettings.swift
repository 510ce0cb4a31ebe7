import EdgeCore
import MCP

/// What every `MyMCP` object of one host serves: the server's name and words, and the `Host`
/// and `Origin` values it accepts.
///
/// Built once in the host process from its configuration and handed to each new object by the
/// registry's factory, since objects see only their own context.
public struct MCPObjectSettings: Sendable {
    /// Name, title, version and instructions sent in the `initialize` result.
    public var server: MCPServerInfo
    /// Allowed `Host` values: the public URL's authority plus loopback (the DNS rebinding defence
    /// of MCP spec 2025-11-25, basic/transports "Security Warning").
    public var allowedHosts: [String]
    /// Allowed `Origin` values: the public URL's origin.
    public var allowedOrigins: [String]
    /// Where the endpoint reports store failures (never session ids).
    public var logger: Logger?

    /// Settings from their parts.
    public init(server: MCPServerInfo, allowedHosts: [String], allowedOrigins: [String], logger: Logger? = nil) {
        self.server = server
        self.allowedHosts = allowedHosts
        self.allowedOrigins = allowedOrigins
        self.logger = logger
    }

    /// Settings for a deployment reachable at `publicURL` (`scheme://host[:port][/...]`): that
    /// authority and origin, plus loopback names on any port for local clients.
    public init(publicURL: String, logger: Logger? = nil) {
        var hosts = ["127.0.0.1", "localhost", "[::1]"]
        var origins: [String] = []
        if let range = publicURL.range(of: "://") {
            let scheme = publicURL[..<range.lowerBound]
            let rest = publicURL[range.upperBound...]
            let authority = String(rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" })
            if !authority.isEmpty {
                hosts.append(authority)
                origins.append("\(scheme)://\(authority)")
            }
        }
        self.init(
            server: MCPServerInfo(
                name: "schwab-mcp", title: "Schwab MCP", version: "0.1.0",
                instructions: "Schwab brokerage tools. Start with `status` to see the session and server state."),
            allowedHosts: hosts, allowedOrigins: origins, logger: logger)
    }
}
