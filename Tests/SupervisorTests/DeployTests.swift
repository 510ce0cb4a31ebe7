import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `deploy/` run for real: the supervisord configuration under Debian's supervisord, and the
/// systemd units through `systemd-analyze verify`.
@Suite struct DeployTests {
    static let deploy = TestSupport.packageRoot.appendingPathComponent("deploy")

    /// `text` with the install paths moved under `folder` and the binary replaced by the build's.
    static func relocate(_ text: String, folder: URL, sandboxPort: Int) -> String {
        [
            ("/usr/local/bin/schwab-mcp", TestSupport.binary.path), ("/etc/schwab-mcp", folder.path + "/etc"),
            ("/run/schwab-mcp", folder.path + "/run"), ("/var/lib/schwab-mcp", folder.path + "/data"),
            ("/var/log/schwab-mcp", folder.path + "/log"), ("8765", String(sandboxPort)),
        ].reduce(text) { $0.replacingOccurrences(of: $1.0, with: $1.1) }
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/supervisord")))
    func theSupervisordConfigRunsTheStackAndStopsItAll() async throws {
        let folder = try TestSupport.temporaryDirectory("supervisord")
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in ["etc", "run", "data", "log"] {
            try FileManager.default.createDirectory(
                at: folder.appendingPathComponent(name), withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
        }
        let routerPort = TestSupport.freePort()
        let sandboxPort = TestSupport.freePort()
        try """
        name = "supervisord-test"
        [runtime]
        public_url = "http://127.0.0.1:\(routerPort)"
        listen_address = "127.0.0.1"
        port = \(routerPort)
        hosts = 2
        auth = "oauth"
        [[kv_namespaces]]
        binding = "OAUTH_KV"
        id = "oauth-kv"
        [[durable_objects.bindings]]
        name = "MCP_OBJECT"
        class_name = "MyMCP"
        """.write(to: folder.appendingPathComponent("etc/wrangler.toml"), atomically: true, encoding: .utf8)
        // What the README asks an operator to put there: the cookie key; the sandbox's app comes
        // from the configuration's `environment=` lines.
        try "COOKIE_ENCRYPTION_KEY=\(String(repeating: "ab", count: 32))\n".write(
            to: folder.appendingPathComponent("etc/.dev.vars"), atomically: true, encoding: .utf8)
        let template = try String(contentsOf: Self.deploy.appendingPathComponent("supervisord.conf"), encoding: .utf8)
        // The routed request needs the router's demo routes (/objects/<class>/<id>/...).
        let config = Self.relocate(template, folder: folder, sandboxPort: sandboxPort)
            .replacingOccurrences(of: " router --config", with: " router --demo-routes --config")
        let configPath = folder.appendingPathComponent("etc/supervisord.conf").path
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)

        // A child spawned from a test thread inherits its signal mask, in which Dispatch blocks
        // SIGTERM; supervisord (Python signal handlers) would never see the stop. Unblock first.
        let unblocked =
            "import os, signal; signal.pthread_sigmask(signal.SIG_SETMASK, []); "
            + "os.execv('/usr/bin/supervisord', ['supervisord', '-n', '-c', '\(configPath)'])"
        let supervisord = try ChildProcess(
            ["-c", unblocked], executable: URL(fileURLWithPath: "/usr/bin/python3"), logDirectory: folder)
        defer { if supervisord.isRunning { kill(supervisord.pid, SIGKILL) } }
        let expected = ["kv", "sandbox", "host:host-1", "host:host-2", "router"]
        var lines: [String] = []
        let deadline = Date().addingTimeInterval(TestSupport.hangTimeout)
        while Date() < deadline {
            let status = try await TestSupport.run("/usr/bin/supervisorctl", ["-c", configPath, "status"])
            lines = status.output.split(separator: "\n").map(String.init)
            if lines.count == expected.count && lines.allSatisfy({ $0.contains("RUNNING") }) { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(lines.count == expected.count && lines.allSatisfy { $0.contains("RUNNING") }, "\(lines)")
        #expect(Set(lines.compactMap { $0.split(separator: " ").first.map(String.init) }) == Set(expected))
        #expect(TestSupport.isListening(port: sandboxPort))
        #expect(FileManager.default.fileExists(atPath: folder.path + "/run/kv.sock"))
        let base = "http://127.0.0.1:\(routerPort)"
        let curl = ["-sS", "--max-time", "60"]
        #expect(
            try await TestSupport.run("/usr/bin/curl", curl + [base + "/health"]).output.contains("\"status\":\"ok\""))
        var routed = ""
        let routedBy = Date().addingTimeInterval(TestSupport.hangTimeout)
        while !routed.contains("\"count\":1") && Date() < routedBy {
            routed = try await TestSupport.run(
                "/usr/bin/curl", curl + ["-X", "POST", base + "/objects/RuntimeProbe/carol/count"]
            ).output
            if !routed.contains("\"count\":1") { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(routed.contains("\"count\":1"), "\(routed)")
        let challenge = try await TestSupport.run(
            "/usr/bin/curl",
            curl + ["-o", "/dev/null", "-w", "%{http_code} %header{www-authenticate}", "-X", "POST", base + "/mcp"]
        ).output
        #expect(challenge.hasPrefix("401 Bearer") && challenge.contains("resource_metadata="), "\(challenge)")
        let metadata = try await TestSupport.run(
            "/usr/bin/curl", curl + [base + "/.well-known/oauth-authorization-server"]
        ).output
        #expect(metadata.contains("\"issuer\":\"\(base)\""), "\(metadata)")
        let pids = try await TestSupport.run("/usr/bin/supervisorctl", ["-c", configPath, "pid", "all"]).output
            .split(separator: "\n").compactMap { Int32($0) }
        #expect(pids.count == expected.count)

        supervisord.signal(SIGTERM)
        #expect(await eventually(timeout: 60) { !supervisord.isRunning })
        #expect(pids.allSatisfy(processIsGone))
        let kvLog = (try? String(contentsOfFile: folder.path + "/log/kv.log", encoding: .utf8)) ?? ""
        #expect(kvLog.contains("kv stopped"), "kv drained on SIGTERM rather than being killed")
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze")))
    func theSystemdUnitsPassSystemdAnalyzeVerify() async throws {
        let folder = try TestSupport.temporaryDirectory("units")
        defer { try? FileManager.default.removeItem(at: folder) }
        let units = try FileManager.default.contentsOfDirectory(
            atPath: Self.deploy.appendingPathComponent("systemd").path)
        #expect(
            Set(units) == [
                "schwab-mcp-kv.service", "schwab-mcp-host@.service", "schwab-mcp-router.service",
                "schwab-mcp-sandbox.service", "schwab-mcp.target",
            ])
        for unit in units {
            let text = try String(
                contentsOf: Self.deploy.appendingPathComponent("systemd/\(unit)"), encoding: .utf8)
            try text.replacingOccurrences(of: "/usr/local/bin/schwab-mcp", with: TestSupport.binary.path)
                .write(to: folder.appendingPathComponent(unit), atomically: true, encoding: .utf8)
            if unit.hasSuffix(".service") {
                for option in ["NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes"] {
                    #expect(text.contains("\n\(option)\n"), "\(unit) lacks \(option)")
                }
                #expect(text.contains("Restart=on-failure"))
                #expect(text.contains("EnvironmentFile="))
            }
        }
        // A template is verified through an instance; systemd loads the template file for it.
        let targets = units.map { $0.replacingOccurrences(of: "@.service", with: "@1.service") }
            .map { folder.appendingPathComponent($0).path }
        let result = try await TestSupport.run("/usr/bin/systemd-analyze", ["verify", "--man=no"] + targets)
        #expect(result.status == 0, "\(result.error)")
        let complaints = result.error.split(separator: "\n").filter {
            $0.contains(folder.path) || $0.contains("schwab-mcp")
        }
        #expect(complaints.isEmpty, "\(complaints)")
    }
}
