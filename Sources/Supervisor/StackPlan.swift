import EdgeCore

/// Which processes `schwab-mcp up` runs, in which order, with which flags: derived from the
/// configuration alone, so it is tested without starting anything.
///
/// Start order: kv, then the sandbox, then hosts 1...N, then the router. The KV service comes
/// first because every host takes its object leases there. The sandbox comes next: the router
/// never calls it, but hosts do (lazily, on a user's first tool call), and a first request must
/// not meet a missing upstream. The router comes last because it is the front door: once it
/// accepts a request, every process behind it is ready. The drain runs in reverse: the router
/// stops taking requests, hosts finish in-flight events and release their leases (which needs
/// kv), then the sandbox, then kv.
public struct StackPlan: Sendable, Equatable {
    /// The processes in start order.
    public var processes: [ProcessSpec]
    /// The sandbox's base URL when it runs (no real Schwab credentials), else nil.
    public var sandboxURL: String?
    /// The port the sandbox listens on when it runs.
    public var sandboxPort: Int?

    /// The demo app the sandbox accepts; hosts sign in to it with these when no real Schwab app
    /// is configured. Not secrets: the sandbox's documented defaults.
    public static let sandboxClientID = "sandbox-app"
    /// The demo app's client secret (the sandbox's documented default, not a real secret).
    public static let sandboxClientSecret = "sandbox-secret"
    /// The loopback callback of `schwab-mcp login` (local use), which the sandbox also accepts so
    /// the local user can sign in against the stack's sandbox.
    public static let localLoginCallback = "https://127.0.0.1:8182/callback"

    /// The plan for `config`: `executable` is this binary, `configPath` the `--config` to pass on,
    /// `overrides` the flags given to `up` (passed on so every child resolves the same values),
    /// `runSandbox` whether no real Schwab credentials are configured, `sandboxPort` an explicit
    /// port for it, `redirectURI` the configured Schwab redirect URI if any, and `routerFlags`
    /// extra flags for the router alone (`--demo-routes` for tests and benchmarks).
    public init(
        config: Config, executable: String, configPath: String?, overrides: ConfigOverrides, runSandbox: Bool,
        sandboxPort: Int? = nil, redirectURI: String? = nil, routerFlags: [String] = []
    ) {
        let runtime = config.runtime
        let common = Self.flags(configPath: configPath, overrides: overrides)
        let logOnly = Self.flags(configPath: configPath, overrides: ConfigOverrides(logLevel: overrides.logLevel))
        var processes = [
            ProcessSpec(
                name: "kv", executable: executable, arguments: ["kv"] + common,
                readiness: .unixSocket(path: runtime.socketPath("kv")))
        ]
        var upstream: [String: String] = [:]
        if runSandbox {
            let port = sandboxPort ?? Self.defaultSandboxPort(routerPort: runtime.port)
            let url = "http://127.0.0.1:\(port)"
            let callback = redirectURI ?? runtime.publicURL + "/callback"
            self.sandboxPort = port
            sandboxURL = url
            upstream = [
                Secrets.schwabAPIBaseURL: url, Secrets.schwabClientID: Self.sandboxClientID,
                Secrets.schwabClientSecret: Self.sandboxClientSecret, Secrets.schwabRedirectURI: callback,
            ]
            processes.append(
                ProcessSpec(
                    name: "sandbox", executable: executable,
                    arguments: ["sandbox", "--host", "127.0.0.1", "--port", String(port), "--redirect-uri", callback]
                        + (callback == Self.localLoginCallback ? [] : ["--redirect-uri", Self.localLoginCallback])
                        + logOnly,
                    environment: [
                        "SANDBOX_CLIENT_ID": Self.sandboxClientID, "SANDBOX_CLIENT_SECRET": Self.sandboxClientSecret,
                    ],
                    readiness: .tcpPort(host: "127.0.0.1", port: port)))
        }
        for id in 1...max(runtime.hosts, 1) {
            processes.append(
                ProcessSpec(
                    name: "host-\(id)", executable: executable, arguments: ["host", "--id", String(id)] + common,
                    environment: upstream, readiness: .unixSocket(path: Self.hostSocketPath(runtime: runtime, id: id))))
        }
        processes.append(
            ProcessSpec(
                name: "router", executable: executable, arguments: ["router"] + routerFlags + common,
                environment: upstream,
                readiness: .tcpPort(host: runtime.listenAddress, port: runtime.port)))
        self.processes = processes
    }

    /// The sandbox's port when none is given: 23 below the router's (8788 gives 8765, the
    /// sandbox's own default), or one above it when that would fall under 1024.
    public static func defaultSandboxPort(routerPort: Int) -> Int {
        routerPort - 23 >= 1024 ? routerPort - 23 : routerPort + 1
    }

    /// Where host `id` listens for the router: `<socket_dir>/host-<id>.sock`.
    public static func hostSocketPath(runtime: Config.Runtime, id: Int) -> String {
        runtime.socketPath("host-\(id)")
    }

    /// The flags that make a child resolve the same configuration as `up`: `--config` and every
    /// override that was given.
    public static func flags(configPath: String?, overrides: ConfigOverrides) -> [String] {
        var flags: [String] = []
        func add(_ name: String, _ value: String?) {
            if let value { flags += ["--" + name, value] }
        }
        add("config", configPath)
        add("port", overrides.port.map(String.init))
        add("hosts", overrides.hosts.map(String.init))
        add("data-dir", overrides.dataDir)
        add("socket-dir", overrides.socketDir)
        add("listen-address", overrides.listenAddress)
        add("log-level", overrides.logLevel)
        add("public-url", overrides.publicURL)
        add("auth", overrides.auth)
        add("idle-timeout", overrides.idleTimeout)
        return flags
    }

    /// Keeps only the processes whose subcommand `isAvailable` accepts (a build may lack one
    /// while the runtime is assembled); returns the names left out.
    public mutating func keep(where isAvailable: (String) -> Bool) -> [String] {
        let dropped = processes.filter { !isAvailable($0.arguments[0]) }.map(\.name)
        processes.removeAll { !isAvailable($0.arguments[0]) }
        return dropped
    }
}
