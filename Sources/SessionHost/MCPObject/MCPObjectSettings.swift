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
    /// The tools one object offers its user, built when the object activates. The default is
    /// the built-in `status` and `echo`; the host process installs the Schwab tools here.
    public var tools: ToolProvider

    /// Builds the tool list for one object's user; `server` is what `status` reports.
    public typealias ToolProvider = @Sendable (MCPObjectIdentity, MCPServerInfo) async throws -> [ToolDeclaration]

    /// The built-in tools only: `status` and `echo`.
    public static let builtinTools: ToolProvider = { _, server in
        [BuiltinTools.status(server: server), BuiltinTools.echo]
    }

    /// Settings from their parts.
    public init(
        server: MCPServerInfo, allowedHosts: [String], allowedOrigins: [String], logger: Logger? = nil,
        tools: @escaping ToolProvider = MCPObjectSettings.builtinTools
    ) {
        self.server = server
        self.allowedHosts = allowedHosts
        self.allowedOrigins = allowedOrigins
        self.logger = logger
        self.tools = tools
    }

    /// Settings for a deployment reachable at `publicURL` (`scheme://host[:port][/...]`): that
    /// authority and origin, plus loopback names on any port for local clients.
    public init(
        publicURL: String, logger: Logger? = nil, tools: @escaping ToolProvider = MCPObjectSettings.builtinTools
    ) {
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
            allowedHosts: hosts, allowedOrigins: origins, logger: logger, tools: tools)
    }
}
