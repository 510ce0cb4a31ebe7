import EdgeCore
import EdgeIO
import EdgeNet
import SchwabSandbox

#if canImport(Glibc)
    import Glibc
#endif

/// `schwab-mcp sandbox`: the fake Schwab (OAuth, Trader and Market Data APIs, admin API) on its
/// own HTTP server (`SandboxServer`). Logs one JSON line with the bound port when ready (logger
/// `sandbox`), drains on SIGTERM or SIGINT.
enum SandboxCommand {
    static let subcommand = Subcommand(
        name: "sandbox", summary: "run the fake Schwab API (OAuth, Trader, Market Data) for development and tests",
        usage:
            "[--config PATH] [--log-level LEVEL] [--host 127.0.0.1] [--port 8765] [--loops 1] [--seed N] [--admin-token T] "
            + "[--client-id sandbox-app --client-secret sandbox-secret] [--redirect-uri URI]... [--order-limit 120] "
            + "[--frozen-clock UNIX_SECONDS]",
        run: { arguments in
            var server = HTTPServer.Configuration()
            server.host = try arguments.option("host") ?? "127.0.0.1"
            server.port = try arguments.intOption("port") ?? 8765
            server.eventLoops = try arguments.intOption("loops") ?? 1
            var sandbox = SandboxConfiguration()
            if let seed = try arguments.option("seed") {
                guard let value = UInt64(seed) else {
                    throw ArgumentError(message: "--seed expects a whole number from 0 to 2^64-1, received '\(seed)'")
                }
                sandbox.seed = value
            }
            sandbox.adminToken = try arguments.option("admin-token") ?? environment("SANDBOX_ADMIN_TOKEN")
            if let id = try arguments.option("client-id") ?? environment("SANDBOX_CLIENT_ID") { sandbox.clientId = id }
            if let secret = try arguments.option("client-secret") ?? environment("SANDBOX_CLIENT_SECRET") {
                sandbox.clientSecret = secret
            }
            while let uri = try arguments.option("redirect-uri") { sandbox.redirectURIs.append(uri) }
            if let limit = try arguments.intOption("order-limit") {
                guard limit > 0 else { throw ArgumentError(message: "--order-limit must be above 0") }
                sandbox.orderRequestsPerMinute = limit
            }
            // A frozen clock makes every price path, and so every fill, the same on each run.
            var clock = SandboxClock()
            if let text = try arguments.option("frozen-clock") {
                guard let epoch = Double(text), epoch > 0 else {
                    throw ArgumentError(message: "--frozen-clock expects Unix seconds, received '\(text)'")
                }
                clock = SandboxClock(fixedBase: epoch)
            }
            guard let (config, _) = try ConfigCommand.loadForLogging(&arguments) else { return 1 }
            try arguments.finish()
            guard (1...64).contains(server.eventLoops) else {
                throw ArgumentError(message: "--loops must be from 1 to 64, received \(server.eventLoops)")
            }

            let logger = config.makeLogger(label: "sandbox")
            let service = try SandboxServer(
                configuration: server, state: SandboxState(configuration: sandbox, clock: clock), logger: logger)
            try await service.runUntilSignalled(logger: logger)
            return 0
        })

    private static func environment(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        let text = String(cString: value)
        return text.isEmpty ? nil : text
    }
}
