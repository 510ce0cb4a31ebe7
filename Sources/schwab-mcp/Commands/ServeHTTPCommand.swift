import EdgeCore
import EdgeIO
import EdgeNet

/// `schwab-mcp serve-http`: the bare HTTP server (`/health`, `/echo`, `/delay`, `/events`) for
/// smoke tests and benchmarks. Logs one JSON line with the bound port when ready, drains on
/// SIGTERM or SIGINT, and exits 0 once drained.
enum ServeHTTPCommand {
    static let subcommand = Subcommand(
        name: "serve-http", summary: "run the bare HTTP server (/health, /echo) for smoke tests and benchmarks",
        usage:
            "[--config PATH] [--log-level LEVEL] [--host 127.0.0.1] [--port 8080] [--loops N] [--tls-cert PEM --tls-key PEM] [--heartbeat SECONDS] "
            + "[--header-timeout SECONDS] [--shutdown-grace SECONDS]",
        run: { arguments in
            var configuration = HTTPServer.Configuration()
            if let host = try arguments.option("host") { configuration.host = host }
            if let port = try arguments.intOption("port") { configuration.port = port }
            if let loops = try arguments.intOption("loops") { configuration.eventLoops = loops }
            if let seconds = try arguments.intOption("heartbeat") {
                configuration.heartbeatInterval = .seconds(seconds)
            }
            if let seconds = try arguments.intOption("header-timeout") {
                configuration.headerTimeout = .seconds(seconds)
            }
            if let seconds = try arguments.intOption("shutdown-grace") {
                configuration.shutdownGrace = .seconds(seconds)
            }
            let certificate = try arguments.option("tls-cert")
            let key = try arguments.option("tls-key")
            switch (certificate, key) {
            case (let certificate?, let key?):
                configuration.tls = TLSConfiguration(certificatePath: certificate, privateKeyPath: key)
            case (nil, nil):
                break
            default:
                throw ArgumentError(message: "--tls-cert and --tls-key go together")
            }
            guard let (config, _) = try ConfigCommand.loadForLogging(&arguments) else { return 1 }
            try arguments.finish()

            let logger = config.makeLogger(label: "http")
            let server = try HTTPServer(
                configuration: configuration, responder: BareServerRoutes.responder(), logger: logger)
            try await HTTPService(name: "serve-http", server: server, ready: { _ in })
                .runUntilSignalled(logger: logger)
            return 0
        })
}
