import EdgeCore
import EdgeNet
import Foundation
import OAuth
import SchwabAuth

/// Everything the router process needs, derived from `wrangler.toml` and the flags.
///
/// `init(config:secrets:)` is where the start-up rules of the auth mode live: `auth = "none"`
/// serves one local user without sign-in, so it is only allowed on a loopback address;
/// `auth = "oauth"` needs the Schwab app's credentials and `COOKIE_ENCRYPTION_KEY` (every missing
/// one is named, with where to set it), and a plain-`http` public URL on a non-loopback host is
/// allowed but warned about: tokens and the approval cookie would cross the network in clear.
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
    /// With `auth = "oauth"`: the authorization server's settings and keys; nil with `auth = "none"`.
    public var oauth: OAuthSetup?
    /// The KV service's socket (grants and tokens live there), used with `oauth`.
    public var kvSocketPath: String?
    /// Things that are allowed but unwise, for the router to log at start-up.
    public var warnings: [String] = []

    /// Makes a configuration from its parts.
    public init(
        server: HTTPServer.Configuration, socketDirectory: String, routes: RouteTable,
        pingInterval: Duration = .milliseconds(250), missedPingLimit: Int = 3,
        scanInterval: Duration = .milliseconds(500),
        retryBudget: Duration = .seconds(5), oauth: OAuthSetup? = nil, kvSocketPath: String? = nil
    ) {
        self.server = server
        self.socketDirectory = socketDirectory
        self.routes = routes
        self.pingInterval = pingInterval
        self.missedPingLimit = missedPingLimit
        self.scanInterval = scanInterval
        self.retryBudget = retryBudget
        self.oauth = oauth
        self.kvSocketPath = kvSocketPath
    }

    /// The router's configuration from the loaded `Config` and `Secrets`; throws when the auth
    /// mode cannot run here. `demoRoutes` turns on `/objects/<class>/<id>/...` (tests and
    /// benchmarks only).
    public init(config: Config, secrets: Secrets = Secrets([:]), demoRoutes: Bool = false) throws(RouterError) {
        let runtime = config.runtime
        var oauth: OAuthSetup?
        var warnings: [String] = []
        switch runtime.auth {
        case .oauth:
            do throws(OAuthSetupError) {
                oauth = try OAuthSetup(config: config, secrets: secrets)
            } catch {
                throw RouterError(.authNotAvailable, error.message)
            }
            if let warning = Self.plainHTTPWarning(publicURL: runtime.publicURL) { warnings.append(warning) }
            if let settings = oauth?.settings, let warning = Self.schwabCallbackWarning(settings.schwab) {
                warnings.append(warning)
            }
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
            routes: RouteTable(
                mcpObjectClass: mcpClass, identity: oauth == nil ? .localUser : .oauth, demoRoutes: demoRoutes),
            oauth: oauth, kvSocketPath: runtime.socketPath("kv"))
        self.warnings = warnings
    }

    /// A warning when the real Schwab API is configured with a callback that is not `https`:
    /// Schwab only redirects to an HTTPS callback registered for the app (reference/schwab-api.md
    /// §1), so the sign-in would fail at Schwab's page. Nil for the sandbox or another API base.
    public static func schwabCallbackWarning(_ schwab: SchwabOAuthSettings) -> String? {
        guard schwab.authorizeURL.hasPrefix(OAuthSetup.defaultAPIBase + "/"),
            !schwab.redirectURI.lowercased().hasPrefix("https://")
        else { return nil }
        return "SCHWAB_REDIRECT_URI is \(schwab.redirectURI), but Schwab only redirects to an https callback "
            + "registered for your app: serve https (public_url = \"https://...\") and register "
            + "<public_url>/callback at developer.schwab.com, or set SCHWAB_REDIRECT_URI to the one you registered"
    }

    /// A warning when `publicURL` is plain `http` on a host other than loopback: bearer tokens,
    /// authorization codes and the approval cookie (which then cannot be `Secure`) would cross the
    /// network unencrypted (OAuth 2.1 §1.5 requires TLS). Nil for https or loopback.
    public static func plainHTTPWarning(publicURL: String) -> String? {
        guard publicURL.lowercased().hasPrefix("http://") else { return nil }
        let authority = publicURL.dropFirst("http://".count).prefix { $0 != "/" }
        var host = String(authority)
        if host.hasPrefix("[") {
            host = String(host.prefix { $0 != "]" }) + "]"
        } else if let colon = host.lastIndex(of: ":") {
            host = String(host[..<colon])
        }
        guard !isLoopback(host) else { return nil }
        return "public_url \(publicURL) is plain http on a non-loopback host: bearer tokens, codes and the "
            + "approval cookie cross the network unencrypted; set tls_certificate and tls_private_key, or put an "
            + "HTTPS proxy in front and set public_url = \"https://...\""
    }

    /// True for 127.0.0.0/8, ::1 and `localhost`: addresses no other machine can reach.
    public static func isLoopback(_ address: String) -> Bool {
        let trimmed = address.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if trimmed == "::1" || trimmed == "localhost" { return true }
        let parts = trimmed.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }
}
