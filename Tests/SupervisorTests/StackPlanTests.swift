import EdgeCore
import Supervisor
import Testing

@Suite struct StackPlanTests {
    static let toml = """
        name = "plan-test"
        [runtime]
        public_url = "http://127.0.0.1:9100"
        listen_address = "127.0.0.1"
        port = 9100
        hosts = 3
        socket_dir = "/run/plan/sockets"
        data_dir = "/var/lib/plan"
        """

    func config(overrides: ConfigOverrides = ConfigOverrides()) throws -> Config {
        try ConfigLoader.resolve(toml: Self.toml, baseDirectory: "/etc/plan", overrides: overrides).0
    }

    @Test func kvThenSandboxThenEveryHostThenTheRouter() throws {
        let plan = StackPlan(
            config: try config(), executable: "/bin/schwab-mcp", configPath: "/etc/plan/wrangler.toml",
            overrides: ConfigOverrides(), runSandbox: true)
        #expect(plan.processes.map(\.name) == ["kv", "sandbox", "host-1", "host-2", "host-3", "router"])
        #expect(plan.processes.allSatisfy { $0.executable == "/bin/schwab-mcp" })
        #expect(plan.processes.map { $0.arguments.first } == ["kv", "sandbox", "host", "host", "host", "router"])
        #expect(
            plan.processes[2...4].map { Array($0.arguments[1...2]) } == [
                ["--id", "1"], ["--id", "2"], ["--id", "3"],
            ])
    }

    @Test func eachProcessIsReadyWhenItsOwnSocketOrPortAnswers() throws {
        let plan = StackPlan(
            config: try config(), executable: "/x", configPath: nil, overrides: ConfigOverrides(), runSandbox: true,
            sandboxPort: 9200)
        let readiness = Dictionary(uniqueKeysWithValues: plan.processes.map { ($0.name, $0.readiness) })
        #expect(readiness["kv"] == .unixSocket(path: "/run/plan/sockets/kv.sock"))
        #expect(readiness["host-2"] == .unixSocket(path: "/run/plan/sockets/host-2.sock"))
        #expect(readiness["sandbox"] == .tcpPort(host: "127.0.0.1", port: 9200))
        #expect(readiness["router"] == .tcpPort(host: "127.0.0.1", port: 9100))
    }

    @Test func withRealSchwabCredentialsNoSandboxRunsAndNoUpstreamIsInjected() throws {
        let plan = StackPlan(
            config: try config(), executable: "/x", configPath: nil, overrides: ConfigOverrides(), runSandbox: false)
        #expect(!plan.processes.contains { $0.name == "sandbox" })
        #expect(plan.sandboxURL == nil)
        #expect(plan.processes.allSatisfy { $0.environment[Secrets.schwabAPIBaseURL] == nil })
    }

    @Test func hostsAndRouterAreToldTheSandboxURLAndItsDemoApp() throws {
        let plan = StackPlan(
            config: try config(), executable: "/x", configPath: nil, overrides: ConfigOverrides(), runSandbox: true)
        #expect(plan.sandboxURL == "http://127.0.0.1:9077")
        for process in plan.processes where process.name.hasPrefix("host-") || process.name == "router" {
            #expect(process.environment[Secrets.schwabAPIBaseURL] == "http://127.0.0.1:9077")
            #expect(process.environment[Secrets.schwabClientID] == StackPlan.sandboxClientID)
            #expect(process.environment[Secrets.schwabRedirectURI] == "http://127.0.0.1:9100/callback")
        }
        let sandbox = try #require(plan.processes.first { $0.name == "sandbox" })
        #expect(sandbox.arguments.contains("http://127.0.0.1:9100/callback"))
    }

    @Test func everyChildGetsTheConfigAndTheOverridesTheSandboxOnlyThoseItReads() throws {
        let overrides = ConfigOverrides(
            port: 9300, hosts: 2, dataDir: "/d", socketDir: "/s", listenAddress: "127.0.0.1", logLevel: "debug",
            publicURL: "http://127.0.0.1:9300", auth: "none", idleTimeout: "30s")
        let plan = StackPlan(
            config: try config(overrides: overrides), executable: "/x", configPath: "/etc/plan/wrangler.toml",
            overrides: overrides, runSandbox: true)
        let expected = [
            "--config", "/etc/plan/wrangler.toml", "--port", "9300", "--hosts", "2", "--data-dir", "/d", "--socket-dir",
            "/s", "--listen-address", "127.0.0.1", "--log-level", "debug", "--public-url", "http://127.0.0.1:9300",
            "--auth", "none", "--idle-timeout", "30s",
        ]
        #expect(plan.processes.map(\.name) == ["kv", "sandbox", "host-1", "host-2", "router"])
        #expect(plan.processes[0].arguments == ["kv"] + expected)
        #expect(plan.processes[2].arguments == ["host", "--id", "1"] + expected)
        #expect(plan.processes[4].arguments == ["router"] + expected)
        let demo = StackPlan(
            config: try config(overrides: overrides), executable: "/x", configPath: nil, overrides: ConfigOverrides(),
            runSandbox: false, routerFlags: ["--demo-routes"])
        #expect(demo.processes.last?.arguments == ["router", "--demo-routes"])
        #expect(
            Array(plan.processes[1].arguments.suffix(4)) == [
                "--config", "/etc/plan/wrangler.toml", "--log-level", "debug",
            ])
        #expect(plan.sandboxPort == 9277)
    }

    @Test(arguments: [(8788, 8765), (2000, 1977), (1047, 1024), (1046, 1047), (80, 81)])
    func theSandboxSitsTwentyThreePortsBelowTheRouterUnlessThatIsPrivileged(router: Int, sandbox: Int) {
        #expect(StackPlan.defaultSandboxPort(routerPort: router) == sandbox)
    }

    @Test func processesWhoseSubcommandIsMissingAreLeftOutAndNamed() throws {
        var plan = StackPlan(
            config: try config(), executable: "/x", configPath: nil, overrides: ConfigOverrides(), runSandbox: true)
        let dropped = plan.keep { $0 == "kv" || $0 == "sandbox" }
        #expect(dropped == ["host-1", "host-2", "host-3", "router"])
        #expect(plan.processes.map(\.name) == ["kv", "sandbox"])
    }
}
