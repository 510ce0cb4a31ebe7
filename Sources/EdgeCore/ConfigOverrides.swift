/// Values given as command-line flags; each one set wins over `wrangler.toml` and is validated
/// the same way (its problems name the flag).
public struct ConfigOverrides: Sendable, Equatable {
    /// `--port`.
    public var port: Int?
    /// `--hosts`.
    public var hosts: Int?
    /// `--data-dir`; relative paths resolve against the current directory.
    public var dataDir: String?
    /// `--socket-dir`; relative paths resolve against the current directory.
    public var socketDir: String?
    /// `--listen-address`.
    public var listenAddress: String?
    /// `--log-level`.
    public var logLevel: String?
    /// `--public-url`.
    public var publicURL: String?
    /// `--auth` (oauth|none).
    public var auth: String?
    /// `--idle-timeout` ("10m", "30s", or whole seconds).
    public var idleTimeout: String?

    /// Overrides with the given flags set; the rest come from the file.
    public init(
        port: Int? = nil, hosts: Int? = nil, dataDir: String? = nil, socketDir: String? = nil,
        listenAddress: String? = nil, logLevel: String? = nil, publicURL: String? = nil, auth: String? = nil,
        idleTimeout: String? = nil
    ) {
        self.port = port
        self.hosts = hosts
        self.dataDir = dataDir
        self.socketDir = socketDir
        self.listenAddress = listenAddress
        self.logLevel = logLevel
        self.publicURL = publicURL
        self.auth = auth
        self.idleTimeout = idleTimeout
    }
}
