import EdgeCore
import EdgeIO
import EdgeNet

/// The sandbox process: the fake Schwab's responder on its own HTTP server, with the lifecycle
/// every process of the stack shares (`run()` until `shutdown()`).
///
/// Its one ready line, `sandbox ready` with the bound port, is what `up` and the tests wait for
/// before they send anything.
public struct SandboxServer: Service {
    /// `sandbox`, for logs.
    public var name: String { "sandbox" }
    /// The fake world it serves.
    public let state: SandboxState
    let http: HTTPServer
    let logger: Logger

    /// A server for `state` listening as `configuration` says; nothing is bound until `run()`.
    public init(configuration: HTTPServer.Configuration, state: SandboxState, logger: Logger) throws {
        self.state = state
        self.logger = logger
        http = try HTTPServer(
            configuration: configuration, responder: SandboxResponder(state: state), logger: logger.named("http"))
    }

    /// Binds (a busy port throws), logs `sandbox ready`, and serves until shut down and drained.
    public func run() async throws {
        let port = try http.start()
        let sandbox = state.configuration
        logger.info(
            "sandbox ready",
            [
                ("host", .string(http.configuration.host)), ("port", .int(port)),
                ("seed", .string(String(sandbox.seed))), ("adminApi", .bool(sandbox.adminToken != nil)),
                ("registeredRedirectURIs", .int(sandbox.redirectURIs.count)),
                ("users", .array(state.demoLogins.map { .string($0) })),
            ])
        await http.run()
    }

    /// Stops accepting, drains in-flight requests, and lets `run()` return.
    public func shutdown() { http.shutdown() }
}
