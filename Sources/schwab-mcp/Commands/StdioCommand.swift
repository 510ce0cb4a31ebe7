import EdgeCore
import EdgeIO
import EdgeKV
import EdgeNet
import MCP
import SchwabTools

/// `schwab-mcp stdio`: the MCP server over standard input and output, for a desktop client on
/// the same machine that launches it (Claude Desktop's `command`), one user: the local one.
///
/// Standard output carries only JSON-RPC messages, one per line; logs go to standard error as
/// JSON lines. The Schwab sign-in comes from the same KV store as the server's (`token:local`,
/// written by `schwab-mcp login`); when no KV service runs, this process serves the database
/// file itself. Ends when the client closes standard input, or on SIGTERM/SIGINT.
enum StdioCommand {
    static let subcommand = Subcommand(
        name: "stdio", summary: "serve MCP over standard input/output for a local desktop client (one user)",
        usage: "[--config PATH] [--api-base URL] " + ConfigCommand.flagsUsage,
        run: { arguments in
            let apiBaseFlag = try arguments.option("api-base")
            guard let (config, configured) = try ConfigCommand.load(&arguments) else { return 1 }
            try arguments.finish()
            // No real Schwab app: the sandbox and its demo app, as `up` gives its hosts.
            let app = LocalSchwabApp(secrets: configured, routerPort: config.runtime.port, apiBaseFlag: apiBaseFlag)
            let secrets = app.applied(to: configured)
            let logger = config.makeLogger(label: "stdio", secrets: secrets)
            let kv = try await LocalKV.open(config: config, logger: logger)
            let server = MCPServerInfo(
                name: "schwab-mcp", title: "Schwab MCP", version: "0.1.0",
                instructions: "Schwab brokerage tools for the local user. Start with `status`.")
            let upstream = UpstreamClient()
            defer { upstream.shutdown() }
            let declarations: [ToolDeclaration]
            do throws(TradingSettingsError) {
                declarations = try LocalTools.tools(
                    server: server, config: config, secrets: secrets, kv: kv.client, upstream: upstream, logger: logger)
            } catch {
                printError("stdio: \(error.description)")
                await kv.close()
                return 1
            }
            let tools = try ToolCatalog(declarations)
            let stdio = StdioServer.standardIO(
                configuration: .init(server: server, tools: tools, user: LocalTools.user, logger: logger))
            logger.info(
                "stdio ready",
                [
                    ("tools", .int(tools.tools.count)), ("private_kv", .bool(kv.isPrivate)),
                    ("schwab_api", .string(app.apiBase)),
                ])
            try await StdioService(server: stdio).runUntilSignalled(logger: logger)
            await kv.close()
            logger.info("stdio stopped")
            return 0
        })
}

/// The MCP server on standard input and output as a `Service`: `run()` serves until the client
/// closes standard input or `shutdown()` stops it.
private struct StdioService: Service {
    let server: StdioServer

    var name: String { "stdio" }

    func run() async throws { await server.serve(input: 0) }

    func shutdown() { server.stop() }
}
