/// The resolved configuration of every process: `wrangler.toml` (in wrangler's format where the
/// two overlap) with its defaults filled in, paths made absolute, and flags applied.
///
/// Built only by `ConfigLoader`, which validates every value first, so a `Config` in hand is
/// always usable. Secrets are not here; they live in `Secrets`.
public struct Config: Sendable, Equatable {
    /// The service name (`name`).
    public var name: String
    /// The `[vars]` table: plain settings, never secrets.
    public var vars: Vars
    /// The `[[kv_namespaces]]`: KV bindings and where their data lives.
    public var kvNamespaces: [KVNamespace]
    /// The `[[durable_objects.bindings]]`: object classes the hosts serve.
    public var durableObjects: [DurableObjectBinding]
    /// The `[[migrations]]`, in file order.
    public var migrations: [Migration]
    /// The `[runtime]` table: how our own processes listen, where they keep data, how many run.
    public var runtime: Runtime
    /// The absolute path of the file read, or nil when no file existed and defaults were used.
    public var sourcePath: String?

    /// A configuration from its parts; `ConfigLoader` is the usual way to get one.
    public init(
        name: String, vars: Vars, kvNamespaces: [KVNamespace], durableObjects: [DurableObjectBinding],
        migrations: [Migration], runtime: Runtime, sourcePath: String? = nil
    ) {
        self.name = name
        self.vars = vars
        self.kvNamespaces = kvNamespaces
        self.durableObjects = durableObjects
        self.migrations = migrations
        self.runtime = runtime
        self.sourcePath = sourcePath
    }

    /// The level below which log records are dropped (`LOG_LEVEL`).
    public var logLevel: LogLevel { vars.logLevel }

    /// The namespace bound as `binding` (such as `OAUTH_KV`), if configured.
    public func kvNamespace(binding: String) -> KVNamespace? {
        kvNamespaces.first { $0.binding == binding }
    }

    /// The KV namespace where durable objects keep their storage and leases (`ctx.storage`).
    /// Cloudflare keeps Durable Object storage apart from KV; here both live in the KV service.
    public static let objectStorageNamespace = "OBJECTS"

    /// The KV service's database: the file every `[[kv_namespaces]]` entry names.
    public var kvDatabasePath: String { kvNamespaces.first?.path ?? runtime.dataDir + "/kv.sqlite" }

    /// Every namespace the KV service serves: the bindings, then the object storage namespace.
    public var kvServedNamespaces: [String] { kvNamespaces.map(\.binding) + [Config.objectStorageNamespace] }

    /// `[vars]`: the three settings the server reads, plus any others as text.
    public struct Vars: Sendable, Equatable {
        /// `LOG_LEVEL`: trace|debug|info|warn|error|fatal, default info.
        public var logLevel: LogLevel
        /// `ENVIRONMENT`: development|staging|production, default development.
        public var environment: String
        /// `ENABLE_TRADING`: "true" lists the order tools; default "false".
        public var enableTrading: Bool
        /// Every other `[vars]` entry, as text.
        public var extra: [String: String]

        /// Vars with the given values.
        public init(logLevel: LogLevel, environment: String, enableTrading: Bool, extra: [String: String] = [:]) {
            self.logLevel = logLevel
            self.environment = environment
            self.enableTrading = enableTrading
            self.extra = extra
        }
    }

    /// One `[[kv_namespaces]]` entry.
    public struct KVNamespace: Sendable, Equatable {
        /// The binding name code uses (`OAUTH_KV`).
        public var binding: String
        /// The namespace id; the KV service keys its data by it.
        public var id: String
        /// The absolute path of the SQLite file that holds it.
        public var path: String

        /// A namespace bound as `binding`, keyed by `id`, stored at `path`.
        public init(binding: String, id: String, path: String) {
            self.binding = binding
            self.id = id
            self.path = path
        }
    }

    /// One `[[durable_objects.bindings]]` entry.
    public struct DurableObjectBinding: Sendable, Equatable {
        /// The binding name (`MCP_OBJECT`).
        public var name: String
        /// The class the binding instantiates (`MyMCP`).
        public var className: String

        /// A binding `name` of class `className`.
        public init(name: String, className: String) {
            self.name = name
            self.className = className
        }
    }

    /// One `[[migrations]]` entry (wrangler's Durable Object class migrations).
    public struct Migration: Sendable, Equatable {
        /// The migration's unique tag (`v1`).
        public var tag: String
        /// Classes created by this migration (`new_classes` and `new_sqlite_classes`).
        public var newClasses: [String]
        /// Classes renamed by this migration.
        public var renamedClasses: [Rename]
        /// Classes deleted by this migration.
        public var deletedClasses: [String]

        /// A migration tagged `tag`.
        public init(
            tag: String, newClasses: [String] = [], renamedClasses: [Rename] = [], deletedClasses: [String] = []
        ) {
            self.tag = tag
            self.newClasses = newClasses
            self.renamedClasses = renamedClasses
            self.deletedClasses = deletedClasses
        }

        /// `{ from = "Old", to = "New" }`.
        public struct Rename: Sendable, Equatable {
            /// The old class name.
            public var from: String
            /// The new class name.
            public var to: String

            /// A rename of `from` to `to`.
            public init(from: String, to: String) {
                self.from = from
                self.to = to
            }
        }
    }

    /// How MCP clients authenticate to the router.
    public enum AuthMode: String, Sendable, Equatable, CaseIterable {
        /// The OAuth 2.1 authorization server of the design (the default).
        case oauth
        /// No authentication: local single-user mode, for development on one machine.
        case none
    }

    /// `[runtime]`: our own processes' settings, with no wrangler equivalent.
    public struct Runtime: Sendable, Equatable {
        /// The URL clients reach the router at (no trailing slash); OAuth issuer and endpoints derive from it.
        public var publicURL: String
        /// The address the router binds (an IPv4 or IPv6 literal).
        public var listenAddress: String
        /// The TCP port the router binds.
        public var port: Int
        /// The PEM certificate chain file when the router serves TLS itself.
        public var tlsCertificate: String?
        /// The PEM private key file for `tlsCertificate`.
        public var tlsPrivateKey: String?
        /// How many session hosts run.
        public var hosts: Int
        /// How long an object may sit without events before its host evicts it.
        public var idleTimeout: Duration
        /// The folder that holds the Unix sockets between processes.
        public var socketDir: String
        /// The folder that holds the KV data and other state.
        public var dataDir: String
        /// How MCP clients authenticate.
        public var auth: AuthMode
        /// How long a draining process waits for in-flight work after SIGTERM.
        public var shutdownGrace: Duration

        /// Runtime settings; every value is taken as given (validation happens in `ConfigLoader`).
        public init(
            publicURL: String, listenAddress: String, port: Int, tlsCertificate: String? = nil,
            tlsPrivateKey: String? = nil, hosts: Int, idleTimeout: Duration, socketDir: String, dataDir: String,
            auth: AuthMode = .oauth, shutdownGrace: Duration = .seconds(10)
        ) {
            self.publicURL = publicURL
            self.listenAddress = listenAddress
            self.port = port
            self.tlsCertificate = tlsCertificate
            self.tlsPrivateKey = tlsPrivateKey
            self.hosts = hosts
            self.idleTimeout = idleTimeout
            self.socketDir = socketDir
            self.dataDir = dataDir
            self.auth = auth
            self.shutdownGrace = shutdownGrace
        }

        /// True when the router terminates TLS itself.
        public var tlsEnabled: Bool { tlsCertificate != nil && tlsPrivateKey != nil }

        /// The path of the Unix socket named `name` (`kv` gives `<socket_dir>/kv.sock`).
        public func socketPath(_ name: String) -> String { socketDir + "/" + name + ".sock" }
    }
}
