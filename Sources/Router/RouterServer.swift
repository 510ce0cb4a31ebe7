import EdgeCore
import EdgeHTTP
import EdgeKV
import EdgeNet
import OAuth

/// The router process: the HTTP(S) front door, the pool of session hosts behind it, and the
/// forwarding between them.
///
/// `start()` connects to the hosts found in the socket folder (more are picked up as they
/// appear), then listens; `shutdown()` drains the HTTP server (in-flight requests and streams
/// finish within the grace period) before closing the host connections.
public final class RouterServer: Sendable {
    /// The configuration the router runs with.
    public let configuration: RouterConfiguration
    /// The session hosts.
    public let pool: HostPool
    /// The counters `/metrics` shows.
    public let metrics: RouterMetrics
    /// The authorization server, with `auth = "oauth"`.
    public let oauth: OAuthEndpoints?
    let server: HTTPServer
    let logger: Logger
    let upstream: UpstreamClient?

    /// A router for `configuration`; nothing listens until `start()`.
    public init(configuration: RouterConfiguration, logger: Logger) throws {
        self.configuration = configuration
        self.logger = logger
        metrics = RouterMetrics()
        pool = try HostPool(configuration: configuration, logger: logger, metrics: metrics)
        let forwarder = RequestForwarder(
            pool: pool, metrics: metrics, logger: logger, retryBudget: configuration.retryBudget)
        if let setup = configuration.oauth {
            // Schwab's token endpoint and client metadata documents are reached through this client.
            let upstream = UpstreamClient()
            let kv = KVClient(socketPath: configuration.kvSocketPath ?? configuration.socketDirectory + "/kv.sock")
            self.upstream = upstream
            oauth = OAuthEndpoints(
                settings: setup.settings, keys: setup.keys, kv: kv, upstream: upstream, logger: logger)
        } else {
            upstream = nil
            oauth = nil
        }
        let responder = RouterResponder(
            routes: configuration.routes, pool: pool, metrics: metrics, forwarder: forwarder,
            oauth: oauth.map(OAuthGate.init(endpoints:)))
        server = try HTTPServer(configuration: configuration.server, responder: responder, logger: logger)
    }

    /// Connects to the hosts and starts listening; returns the bound port.
    public func start() throws(RouterError) -> Int {
        pool.start()
        do {
            return try server.start()
        } catch {
            pool.shutdown()
            throw RouterError(
                .listenFailed,
                "cannot listen on \(configuration.server.host):\(configuration.server.port): \(error)")
        }
    }

    /// Waits until the HTTP server has stopped, then closes the host connections.
    public func run() async {
        await server.run()
        pool.shutdown()
        upstream?.shutdown()
    }

    /// Begins a graceful drain; `run()` returns once it is done.
    public func shutdown() {
        server.shutdown()
    }
}
