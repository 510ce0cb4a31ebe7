import EdgeCore
import Testing

@Suite("Config validation")
struct ConfigValidationTests {
    func resolve(
        _ toml: String, overrides: ConfigOverrides = ConfigOverrides(), environment: [String: String] = [:]
    ) throws(ConfigErrors) -> (Config, Secrets) {
        try ConfigLoader.resolve(
            toml: toml, baseDirectory: "/srv/app", overrides: overrides, environment: environment,
            currentDirectory: "/home/op", fileExists: { $0.hasPrefix("/srv/app/certs/") })
    }

    func problems(
        _ toml: String, overrides: ConfigOverrides = ConfigOverrides(), environment: [String: String] = [:]
    ) -> [String] {
        do {
            _ = try resolve(toml, overrides: overrides, environment: environment)
            return []
        } catch {
            return error.messages
        }
    }

    @Test("an empty file gives the documented defaults")
    func defaults() throws {
        let (config, secrets) = try resolve("")
        #expect(config.name == "schwab-mcp")
        #expect(config.logLevel == .info)
        #expect(config.vars.environment == "development")
        #expect(config.vars.enableTrading == false)
        #expect(config.kvNamespaces == [.init(binding: "OAUTH_KV", id: "oauth-kv", path: "/srv/app/.data/kv.sqlite")])
        #expect(config.durableObjects == [.init(name: "MCP_OBJECT", className: "MyMCP")])
        #expect(config.migrations.map(\.tag) == ["v1"])
        let runtime = config.runtime
        #expect(runtime.publicURL == "http://127.0.0.1:8788")
        #expect(runtime.listenAddress == "127.0.0.1")
        #expect(runtime.port == 8788)
        #expect(runtime.hosts == 2)
        #expect(runtime.idleTimeout == .seconds(600))
        #expect(runtime.shutdownGrace == .seconds(10))
        #expect(runtime.socketDir == "/srv/app/.data/sockets")
        #expect(runtime.dataDir == "/srv/app/.data")
        #expect(runtime.auth == .oauth)
        #expect(!runtime.tlsEnabled)
        #expect(runtime.socketPath("kv") == "/srv/app/.data/sockets/kv.sock")
        #expect(secrets.names.isEmpty)
    }

    @Test("every section of a full file is read, relative paths resolved against the file's folder")
    func fullFile() throws {
        let toml = """
            name = "my-mcp"
            compatibility_date = "2026-01-01"
            [vars]
            LOG_LEVEL = "debug"
            ENVIRONMENT = "production"
            ENABLE_TRADING = "true"
            REGION = "us"
            RETRIES = 3
            [[kv_namespaces]]
            binding = "OAUTH_KV"
            id = "abc123"
            path = "oauth.sqlite"
            [[kv_namespaces]]
            binding = "CACHE"
            id = "cache"
            path = "/srv/state/oauth.sqlite"
            [[durable_objects.bindings]]
            name = "MCP_OBJECT"
            class_name = "MyMCPv2"
            [[migrations]]
            tag = "v1"
            new_classes = ["MyMCP"]
            [[migrations]]
            tag = "v2"
            renamed_classes = [{ from = "MyMCP", to = "MyMCPv2" }]
            [runtime]
            public_url = "https://mcp.example.com/"
            listen_address = "0.0.0.0"
            port = 443
            tls_certificate = "certs/cert.pem"
            tls_private_key = "/srv/app/certs/key.pem"
            hosts = 4
            idle_timeout = "1h30m"
            socket_dir = "/run/schwab"
            data_dir = "../state"
            auth = "none"
            shutdown_grace = 30
            """
        let (config, _) = try resolve(toml)
        #expect(config.name == "my-mcp")
        #expect(config.logLevel == .debug)
        #expect(config.vars.environment == "production")
        #expect(config.vars.enableTrading)
        #expect(config.vars.extra == ["REGION": "us", "RETRIES": "3"])
        #expect(config.kvNamespaces.map(\.path) == ["/srv/state/oauth.sqlite", "/srv/state/oauth.sqlite"])
        #expect(config.kvDatabasePath == "/srv/state/oauth.sqlite")
        #expect(config.kvServedNamespaces == ["OAUTH_KV", "CACHE", "OBJECTS"])
        #expect(config.kvNamespace(binding: "CACHE")?.id == "cache")
        #expect(config.durableObjects.first?.className == "MyMCPv2")
        #expect(config.migrations.last?.renamedClasses == [.init(from: "MyMCP", to: "MyMCPv2")])
        #expect(config.runtime.publicURL == "https://mcp.example.com")
        #expect(config.runtime.port == 443)
        #expect(config.runtime.tlsCertificate == "/srv/app/certs/cert.pem")
        #expect(config.runtime.tlsEnabled)
        #expect(config.runtime.hosts == 4)
        #expect(config.runtime.idleTimeout == .seconds(5400))
        #expect(config.runtime.socketDir == "/run/schwab")
        #expect(config.runtime.dataDir == "/srv/state")
        #expect(config.runtime.auth == .none)
        #expect(config.runtime.shutdownGrace == .seconds(30))
    }

    /// Each row: a file (or flags) with one mistake, and the exact line it must produce.
    static let single: [(String, String)] = [
        (
            "[[kv_namespaces]]\nbinding = \"OAUTH_KV\"\n[[kv_namespaces]]\nbinding = \"CACHE\"\npath = \"cache.sqlite\"",
            "kv_namespaces[1].path: invalid value, expected the KV service's one database, "
                + "'/srv/app/.data/kv.sqlite' (as for OAUTH_KV), received 'cache.sqlite'"
        ),
        (
            "[vars]\nLOG_LEVEL = \"DEBUG\"",
            "LOG_LEVEL: invalid value, expected one of trace|debug|info|warn|error|fatal, received 'DEBUG'"
        ),
        (
            "[vars]\nENABLE_TRADING = \"yes\"",
            "ENABLE_TRADING: invalid value, expected \"true\" or \"false\", received 'yes'"
        ),
        (
            "[vars]\nENVIRONMENT = \"prod\"",
            "ENVIRONMENT: invalid value, expected one of development|staging|production, received 'prod'"
        ),
        (
            "[runtime]\nport = 70000",
            "runtime.port: invalid value, expected an integer from 1 to 65535, received '70000'"
        ),
        (
            "[runtime]\nport = \"8788\"",
            "runtime.port: invalid value, expected an integer from 1 to 65535, received '8788'"
        ),
        ("[runtime]\nhosts = 0", "runtime.hosts: invalid value, expected an integer from 1 to 64, received '0'"),
        (
            "[runtime]\nidle_timeout = \"10 minutes\"",
            "runtime.idle_timeout: invalid value, expected a duration from 1s to 168h such as \"30s\", \"10m\", \"1h\" or whole seconds, received '10 minutes'"
        ),
        (
            "[runtime]\nlisten_address = \"localhost:80\"",
            "runtime.listen_address: invalid value, expected an IPv4 or IPv6 address such as 127.0.0.1, 0.0.0.0 or ::1, received 'localhost:80'"
        ),
        (
            "[runtime]\npublic_url = \"ftp://x\"",
            "runtime.public_url: invalid value, expected an http(s) URL such as https://mcp.example.com, received 'ftp://x'"
        ),
        ("[runtime]\nauth = \"basic\"", "runtime.auth: invalid value, expected one of oauth|none, received 'basic'"),
        (
            "[runtime]\nprot = 1",
            "runtime.prot: unknown key, expected one of public_url|listen_address|port|tls_certificate|tls_private_key|hosts|idle_timeout|socket_dir|data_dir|auth|shutdown_grace"
        ),
        (
            "[runtime]\ntls_certificate = \"certs/cert.pem\"",
            "runtime.tls_private_key: missing, expected tls_certificate and tls_private_key to be set together, or neither"
        ),
        (
            "[runtime]\ntls_certificate = \"/etc/none.pem\"\ntls_private_key = \"certs/key.pem\"",
            "runtime.tls_certificate: invalid value, expected an existing readable file, received '/etc/none.pem'"
        ),
        (
            "[runtime]\nsocket_dir = \"/" + String(repeating: "s", count: 100) + "\"",
            "runtime.socket_dir: invalid value, expected a folder path of at most 92 bytes (Unix socket paths are short), received '/"
                + String(repeating: "s", count: 100) + "'"
        ),
        (
            "[[kv_namespaces]]\nbinding = \"CACHE\"",
            "kv_namespaces: invalid value, expected a namespace with binding 'OAUTH_KV', received 'CACHE'"
        ),
        (
            "[[kv_namespaces]]\nid = \"x\"",
            "kv_namespaces[0].binding: missing, expected a binding name of letters, digits and '_' (such as OAUTH_KV)"
        ),
        (
            "[[durable_objects.bindings]]\nname = \"MCP_OBJECT\"\nclass_name = \"Other\"\n[[migrations]]\ntag = \"v1\"\nnew_classes = [\"MyMCP\"]",
            "durable_objects.bindings[0].class_name: invalid value, expected a class created by a [[migrations]] entry (new_classes or renamed_classes), received 'Other'"
        ),
        (
            "name = \"bad name!\"",
            "name: invalid value, expected a name of letters, digits and '-', received 'bad name!'"
        ),
        (
            "nmae = \"x\"",
            "nmae: unknown key, expected one of name|vars|kv_namespaces|durable_objects|migrations|runtime|(or another wrangler key)"
        ),
        ("name = 'x'\nport = ", "wrangler.toml: line 2, column 8: expected a value after '='"),
    ]

    @Test("one mistake gives one line in the seed's form", arguments: single)
    func singleProblem(toml: String, expected: String) {
        #expect(problems(toml) == [expected])
    }

    @Test("every problem is listed at once")
    func allAtOnce() {
        let toml = """
            [vars]
            LOG_LEVEL = "verbose"
            ENABLE_TRADING = "maybe"
            [runtime]
            port = 0
            hosts = 100
            public_url = "not a url"
            colour = "blue"
            [[kv_namespaces]]
            binding = "CACHE"
            """
        let found = problems(toml)
        #expect(found.count == 7)
        for key in [
            "kv_namespaces:", "LOG_LEVEL:", "ENABLE_TRADING:", "runtime.port:", "runtime.hosts:", "runtime.public_url:",
            "runtime.colour:",
        ] {
            #expect(found.contains { $0.hasPrefix(key) }, "missing \(key) in \(found)")
        }
    }

    @Test("a secret written in [vars] is refused without echoing its value")
    func secretInVars() {
        let found = problems("[vars]\nSCHWAB_CLIENT_SECRET = \"hunter2-secret\"\nMY_API_TOKEN = \"tok-777\"")
        #expect(found.count == 2)
        #expect(
            found.first?.hasPrefix("SCHWAB_CLIENT_SECRET: invalid value, expected no secret in wrangler.toml") == true)
        #expect(found.allSatisfy { $0.contains(".dev.vars or the environment") })
        #expect(!found.joined().contains("hunter2") && !found.joined().contains("tok-777"))
    }

    @Test("flags win over the file and are validated naming the flag")
    func overrides() throws {
        let toml = "[vars]\nLOG_LEVEL = \"info\"\n[runtime]\nport = 9000\nhosts = 3\ndata_dir = \"d\""
        let flags = ConfigOverrides(
            port: 9100, hosts: 1, dataDir: "rel/data", socketDir: "/tmp/s", listenAddress: "::1", logLevel: "warn",
            publicURL: "http://[::1]:9100", auth: "none", idleTimeout: "45s")
        let (config, _) = try resolve(toml, overrides: flags)
        #expect(config.runtime.port == 9100)
        #expect(config.runtime.hosts == 1)
        #expect(config.runtime.dataDir == "/home/op/rel/data")
        #expect(config.runtime.socketDir == "/tmp/s")
        #expect(config.runtime.listenAddress == "::1")
        #expect(config.logLevel == .warn)
        #expect(config.runtime.publicURL == "http://[::1]:9100")
        #expect(config.runtime.auth == .none)
        #expect(config.runtime.idleTimeout == .seconds(45))
        #expect(config.kvNamespaces.first?.path == "/home/op/rel/data/kv.sqlite")

        let bad = problems(toml, overrides: ConfigOverrides(port: 0, logLevel: "loud"))
        #expect(
            bad == [
                "LOG_LEVEL (--log-level): invalid value, expected one of trace|debug|info|warn|error|fatal, received 'loud'",
                "runtime.port (--port): invalid value, expected an integer from 1 to 65535, received '0'",
            ])
    }

    @Test("the default public URL follows the listen address and port")
    func defaultPublicURL() throws {
        let (v4, _) = try resolve("[runtime]\nlisten_address = \"0.0.0.0\"\nport = 9999")
        #expect(v4.runtime.publicURL == "http://127.0.0.1:9999")
        let (v6, _) = try resolve("[runtime]\nlisten_address = \"::1\"")
        #expect(v6.runtime.publicURL == "http://[::1]:8788")
    }

    @Test("LOG_LEVEL, ENVIRONMENT and ENABLE_TRADING in the environment override [vars]")
    func environmentOverridesVars() throws {
        let env = ["LOG_LEVEL": "trace", "ENABLE_TRADING": "true"]
        let (config, _) = try resolve("[vars]\nLOG_LEVEL = \"error\"\nENABLE_TRADING = \"false\"", environment: env)
        #expect(config.logLevel == .trace)
        #expect(config.vars.enableTrading)
        #expect(
            problems("", environment: ["LOG_LEVEL": "Info"]) == [
                "LOG_LEVEL: invalid value, expected one of trace|debug|info|warn|error|fatal, received 'Info'"
            ])
    }

    @Test("the root logger takes its level from the config and scrubs the secrets' values")
    func logger() throws {
        let env = ["SCHWAB_CLIENT_SECRET": "cs-Plain-Value", "SCHWAB_REDIRECT_URI": "https://x.example/callback"]
        let (config, secrets) = try resolve("[vars]\nLOG_LEVEL = \"warn\"", environment: env)
        let captured = CapturedLines()
        let logger = config.makeLogger(label: "router", secrets: secrets, sink: captured.sink).named("oauth-client")
        #expect(logger.level == .warn)
        logger.info("dropped")
        logger.warn("basic auth built from cs-Plain-Value", [("note", ["raw": "id:cs-Plain-Value"])])
        logger.error("callback is https://x.example/callback")
        #expect(captured.lines.count == 2)
        let record = try JSONValue.parse(captured.lines[0])
        #expect(record["logger"] == "oauth-client")
        #expect(record["msg"] == "basic auth built from [REDACTED]")
        #expect(record["note"]?["raw"] == "id:[REDACTED]")
        #expect(!"\(logger)".contains("cs-Plain-Value"))
        #expect(captured.lines[1].contains("https://x.example/callback"))
    }

    static let durations: [(String, Duration?)] = [
        ("30s", .seconds(30)), ("10m", .seconds(600)), ("1h", .seconds(3600)), ("1h30m", .seconds(5400)),
        ("250ms", .milliseconds(250)), ("2d", .seconds(172_800)), ("45", .seconds(45)), ("", nil), ("10", .seconds(10)),
        ("m", nil), ("10x", nil), ("-5s", nil), ("1.5h", nil), ("10m5", nil),
    ]

    @Test("durations read the way operators write them", arguments: durations)
    func durationText(text: String, expected: Duration?) {
        #expect(DurationText.parse(text) == expected)
    }
}
