import EdgeCore
import EdgeNet
import Foundation

/// Everything the router process needs, derived from `wrangler.toml` and the flags.
///
/// `init(config:)` is where the start-up rules of the auth mode live: `auth = "none"` serves one
/// local user without sign-in, so it is only allowed on a loopback address; `auth = "oauth"` needs
/// the OAuth provider, which the router does not have yet, so it is refused with a clear message.
public struct RouterConfiguration: Sendable {
    /// The HTTP listener: address, port, TLS and limits.
    public var server: HTTPServer.Configuration
    /// The folder where session hosts listen as `host-<N>.sock`.
    public var socketDirectory: String
    /// How requests are tied to objects and identities.
    public var routes: RouteTable
    /// How often each host is pinged.
    public var pingInterval: Duration
    /// Pings missed in a row after which a host counts as dead.
    public var missedPingLimit: Int
    /// How often the socket folder is scanned for hosts that appeared or came back.
    public var scanInterval: Duration
    /// How long the router keeps re-trying an object whose lease is held elsewhere (a hand-off or
    /// a dead host's lease running out) before answering 503.
    public var retryBudget: Duration

    /// Makes a configuration from its parts.
    public init(
        server: HTTPServer.Configuration, socketDirectory: String, routes: RouteTable,
        pingInterval: Duration = .milliseconds(250), missedPingLimit: Int = 3,
        scanInterval: Duration = .milliseconds(500),
        retryBudget: Duration = .seconds(5)
    ) {
        self.server = server
        self.socketDirectory = socketDirectory
        self.routes = routes
        self.pingInterval = pingInterval
        self.missedPingLimit = missedPingLimit
        self.scanInterval = scanInterval
        self.retryBudget = retryBudget
    }

    /// The router's configuration from the loaded `Config`; throws when the auth mode cannot run
    /// here. `demoRoutes` turns on `/objects/<class>/<id>/...` (tests and benchmarks only).
    public init(config: Config, demoRoutes: Bool = false) throws(RouterError) {
        let runtime = config.runtime
        switch runtime.auth {
        case .oauth:
            throw RouterError(
                .authNotAvailable,
                "[runtime] auth = \"oauth\" is not available in the router yet (it arrives with the OAuth issue); "
                    + "set auth = \"none\" (or --auth none) for local single-user use on a loopback address")
        case .none:
            guard Self.isLoopback(runtime.listenAddress) else {
                throw RouterError(
                    .authNotLoopback,
                    "[runtime] auth = \"none\" serves one local user without sign-in, so the router only listens on "
                        + "a loopback address with it; listen_address is '\(runtime.listenAddress)': set it to "
                        + "127.0.0.1 or ::1, or use auth = \"oauth\"")
            }
        }
        var server = HTTPServer.Configuration(
            host: runtime.listenAddress, port: runtime.port, shutdownGrace: runtime.shutdownGrace)
        if let certificate = runtime.tlsCertificate, let key = runtime.tlsPrivateKey {
            server.tls = TLSConfiguration(certificatePath: certificate, privateKeyPath: key)
        }
        let mcpClass =
            config.durableObjects.first { $0.name == RouteTable.mcpBindingName }?.className
            ?? config.durableObjects.first?.className
        self.init(
            server: server, socketDirectory: runtime.socketDir,
            routes: RouteTable(mcpObjectClass: mcpClass, identity: .localUser, demoRoutes: demoRoutes))
    }

    /// True for 127.0.0.0/8, ::1 and `localhost`: addresses no other machine can reach.
    public static func isLoopback(_ address: String) -> Bool {
        let trimmed = address.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if trimmed == "::1" || trimmed == "localhost" { return true }
        let parts = trimmed.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }
}
