import EdgeCore
import EdgeIO
import EdgeNet
import MCP

/// `schwab-mcp mcp-dev`: the MCP endpoint alone (the `status` and `echo` tools, sessions in
/// memory) on one HTTP server, with no sign-in, router or session host in front.
///
/// For developing and testing the MCP protocol layer by itself; loopback only. The product
/// serves the same endpoint from inside each user's object on a session host.
enum MCPDevCommand {
    static let subcommand = Subcommand(
        name: "mcp-dev", summary: "serve the MCP endpoint alone (status, echo; in-memory sessions) on loopback",
        usage: "[--config PATH] [--log-level LEVEL] [--port 8790] [--loops N]",
        run: { arguments in
            var configuration = HTTPServer.Configuration(host: "127.0.0.1", port: 8790)
            if let port = try arguments.intOption("port") { configuration.port = port }
            if let loops = try arguments.intOption("loops") { configuration.eventLoops = loops }
            guard let (config, _) = try ConfigCommand.loadForLogging(&arguments) else { return 1 }
            try arguments.finish()

            let logger = config.makeLogger(label: "mcp-dev")
            let server = MCPServerInfo(
                name: "schwab-mcp", title: "Schwab MCP (development endpoint)", version: "0.1.0",
                instructions: "A development endpoint with the status and echo tools only.")
            let endpoint = MCPEndpoint(
                configuration: .init(
                    server: server, tools: try ToolCatalog([BuiltinTools.status(server: server), BuiltinTools.echo]),
                    store: InMemorySessionStore(), logger: logger))
            let http = try HTTPServer(configuration: configuration, responder: endpoint, logger: logger)
            let ready: @Sendable (Int) -> Void = { port in
                logger.info("mcp-dev ready", [("url", .string("http://127.0.0.1:\(port)/mcp"))])
            }
            try await HTTPService(name: "mcp-dev", server: http, ready: ready).runUntilSignalled(logger: logger)
            return 0
        })
}
