import Foundation
import TestSupport
import Testing

/// `schwab-mcp login` as a user runs it: a real sandbox, the real binary, the test as the browser.
@Suite("schwab-mcp login against the sandbox", .realWorld, .serialized)
struct LoginProcessTests {
    /// Starts `login` against `sandbox` on a free callback port; returns the child, the port and
    /// the authorize URL it printed.
    static func startLogin(
        world: LocalWorld, sandbox: SandboxChild?, callbackPort: Int, extra: [String] = [], withoutKey: Bool = false,
        environment: [String: String] = [:]
    ) throws -> ChildProcess {
        let apiBase = sandbox?.base ?? "http://127.0.0.1:9"
        let (executable, arguments) = world.command(
            [
                "login", "--config", world.configPath, "--no-browser", "--port", String(callbackPort),
                "--api-base", apiBase,
            ] + extra, withoutKey: withoutKey)
        return try ChildProcess(
            arguments, executable: executable,
            environment: (withoutKey ? [:] : world.environment()).merging(environment) { _, given in given },
            logDirectory: world.folder)
    }

    static func authorizeURL(_ login: ChildProcess) async -> String? {
        var found: String?
        _ = await eventually {
            found = login.stdoutText.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                .first { $0.hasPrefix("http://") && $0.contains("/v1/oauth/authorize?") }
            return found != nil || !login.isRunning
        }
        return found
    }

    @Test("signs alex in: tokens land in KV under token:local, decryptable with the key")
    func signsInAndStoresTokens() async throws {
        let world = try LocalWorld()
        let port = TestSupport.freePort()
        let callback = "https://127.0.0.1:\(port)/callback"
        let sandbox = try await SandboxChild(redirectURI: callback, folder: world.folder)
        let login = try Self.startLogin(world: world, sandbox: sandbox, callbackPort: port)
        defer { login.stop() }
        let url = try #require(await Self.authorizeURL(login), "no URL printed: \(login.stderrText)")
        #expect(url.contains("code_challenge_method=S256"))
        #expect(url.contains("redirect_uri=https%3A%2F%2F127.0.0.1%3A\(port)%2Fcallback"))
        let back = try await BrowserPlay.signIn(authorizeURL: url)
        let page = try await BrowserPlay.visit(back)
        #expect(page.status == 200)
        #expect(page.body.contains("Signed in"))
        #expect(await login.waitForExit() == 0)
        let output = login.stdoutText
        #expect(output.contains("signed in."))
        #expect(output.contains("Individual ..."))
        // Display names only: the callback page and the output never show a full account number.
        #expect(output.range(of: "[0-9]{8}", options: .regularExpression) == nil)
        #expect(page.body.range(of: "[0-9]{8}", options: .regularExpression) == nil)
        let tokens = try #require(try await world.storedTokens())
        #expect(!tokens.accessToken.isEmpty && !tokens.refreshToken.isEmpty)
        #expect(!login.stderrText.contains(tokens.accessToken))
        // The same callback again is refused: the attempt is over (the listener is gone).
        let replay = try await TestSupport.run("/usr/bin/curl", ["-sk", "-o", "/dev/null", back])
        #expect(replay.status != 0)
        // `stdio` finds the sign-in in the same store and reads alex's accounts with it.
        let stdio = try StdioChild(world: world, extra: ["--api-base", sandbox.base])
        _ = try #require(await stdio.initialize())
        stdio.request(1, "tools/call", #"{"name":"status","arguments":{}}"#)
        let status = try #require(await stdio.answer(1))
        let schwab = status["result"]?["structuredContent"]?["extra"]?["schwab"]
        #expect(schwab?["signedIn"] == .bool(true), "\(status)")
        let displays = (schwab?["accounts"]?.arrayValue ?? []).compactMap(\.stringValue)
        #expect(displays.contains { $0.hasPrefix("Individual ...") })
        stdio.request(2, "tools/call", #"{"name":"getAccounts","arguments":{}}"#)
        let accounts = try #require(await stdio.answer(2))
        #expect(accounts["result"]?["isError"] != .bool(true), "\(accounts)")
        let text = stdio.output.joined(separator: "\n")
        #expect(text.contains("accountDisplay"))
        #expect(text.range(of: "[0-9]{8}", options: .regularExpression) == nil, "no full account number leaves stdio")
        stdio.closeInput()
        #expect(await stdio.waitForExit() == 0)
    }

    @Test("a callback with a wrong or missing state is refused, the real one still completes, a repeat is not accepted")
    func wrongStateIsRefused() async throws {
        let world = try LocalWorld()
        let port = TestSupport.freePort()
        let callback = "https://127.0.0.1:\(port)/callback"
        let sandbox = try await SandboxChild(redirectURI: callback, folder: world.folder)
        // The KV service runs here, so login uses it rather than a private one.
        let kv = try ChildProcess(["kv", "--config", world.configPath], logDirectory: world.folder)
        defer { kv.stop() }
        #expect(await eventually { FileManager.default.fileExists(atPath: world.kvSocket) })
        let login = try Self.startLogin(world: world, sandbox: sandbox, callbackPort: port)
        defer { login.stop() }
        let url = try #require(await Self.authorizeURL(login), "no URL printed: \(login.stderrText)")
        let forged = try await BrowserPlay.visit("\(callback)?code=stolen&state=not-the-state")
        #expect(forged.status == 400)
        #expect(forged.body.contains("does not match"))
        let missing = try await BrowserPlay.visit("\(callback)?code=stolen")
        #expect(missing.status == 400)
        #expect(login.isRunning)
        let back = try await BrowserPlay.signIn(authorizeURL: url)
        let (first, second) = (try await BrowserPlay.visit(back), try await BrowserPlay.visit(back))
        #expect(first.status == 200)
        #expect(second.status == 409 || second.status == 0)
        #expect(await login.waitForExit() == 0)
        #expect(!login.stderrText.contains("kv listening"), "login should have used the running KV service")
        _ = await kv.terminate(grace: 5)
        #expect(try await world.storedTokens() != nil)
    }

    @Test("the callback listener's certificate names 127.0.0.1 and localhost and lasts one day")
    func certificateHasLoopbackNames() async throws {
        let world = try LocalWorld()
        let port = TestSupport.freePort()
        // The login's temporary folder lies in the world's own folder, so the leftover check below
        // sees this login's files only, not those of another login starting on the same machine.
        let temporary = world.folder.appendingPathComponent("tmp")
        try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true)
        let login = try Self.startLogin(
            world: world, sandbox: nil, callbackPort: port, extra: ["--timeout", "600"],
            environment: ["TMPDIR": temporary.path])
        defer { login.stop() }
        #expect(await eventually { TestSupport.isListening(port: port) })
        let script =
            "openssl s_client -connect 127.0.0.1:\(port) -servername localhost </dev/null 2>/dev/null"
            + " | openssl x509 -noout -ext subjectAltName,basicConstraints -dates"
        let result = try await TestSupport.run("/bin/sh", ["-c", script])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("IP Address:127.0.0.1"))
        #expect(result.output.contains("DNS:localhost"))
        #expect(result.output.contains("CA:FALSE"))
        let checks = try await TestSupport.run(
            "/bin/sh",
            [
                "-c",
                "openssl s_client -connect 127.0.0.1:\(port) </dev/null 2>/dev/null | openssl x509 -out \(world.folder.path)/cert.pem"
                    + " && openssl x509 -in \(world.folder.path)/cert.pem -noout -checkend 3600"
                    + " && ! openssl x509 -in \(world.folder.path)/cert.pem -noout -checkend 90000",
            ])
        #expect(checks.status == 0, "valid now, gone within about a day: \(checks.output) \(checks.error)")
        _ = await login.terminate(grace: 5)
        // The key and certificate files were removed once loaded.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: temporary.path)
            .filter { $0.hasPrefix("schwab-mcp-login-") }
            .filter { FileManager.default.fileExists(atPath: temporary.appendingPathComponent($0 + "/key.pem").path) }
        #expect(leftovers.isEmpty)
    }

    @Test("without COOKIE_ENCRYPTION_KEY it says what to set and exits 1 before any browser step")
    func missingKeyIsExplained() async throws {
        let world = try LocalWorld()
        let login = try Self.startLogin(
            world: world, sandbox: nil, callbackPort: TestSupport.freePort(), withoutKey: true)
        #expect(await login.waitForExit() == 1)
        #expect(login.stderrText.contains("COOKIE_ENCRYPTION_KEY is not set"))
        #expect(!login.stdoutText.contains("authorize"))
    }

    @Test("no sign-in within --timeout: a clear message, exit 1, nothing saved")
    func timesOut() async throws {
        let world = try LocalWorld()
        let login = try Self.startLogin(
            world: world, sandbox: nil, callbackPort: TestSupport.freePort(), extra: ["--timeout", "2"])
        #expect(await login.waitForExit() == 1)
        #expect(login.stderrText.contains("no sign-in arrived within 2 seconds"))
        #expect(try await world.storedTokens() == nil)
    }

    @Test("SIGTERM while waiting: the attempt is cancelled, exit 1, the listener gone")
    func cancelledBySignal() async throws {
        let world = try LocalWorld()
        let port = TestSupport.freePort()
        let login = try Self.startLogin(world: world, sandbox: nil, callbackPort: port)
        defer { login.stop() }
        #expect(await eventually { TestSupport.isListening(port: port) })
        login.signal(SIGTERM)
        #expect(await login.waitForExit() == 1)
        #expect(login.stderrText.contains("cancelled"))
        #expect(!TestSupport.isListening(port: port))
    }

    static let badSetups: [(flags: [String], says: String)] = [
        (["--redirect-uri", "https://mcp.example.com/callback"], "cannot catch Schwab's answer"),
        (["--redirect-uri", "http://127.0.0.1:8182/callback"], "cannot catch Schwab's answer"),
        (["--redirect-uri", "https://127.0.0.1:8182/callback", "--port", "9100"], "differs from the port"),
        (["--port", "70000"], "from 1 to 65535"),
    ]

    @Test(
        "a redirect URI it cannot catch, or a port that contradicts it, is refused with the reason",
        arguments: badSetups)
    func refusedSetups(flags: [String], says: String) async throws {
        let world = try LocalWorld()
        let (executable, arguments) = world.command(
            ["login", "--config", world.configPath, "--no-browser", "--timeout", "5"] + flags)
        let result = try await TestSupport.run(executable.path, arguments)
        #expect(result.status == 1)
        #expect(result.error.contains(says), "\(result.error)")
        #expect(!result.output.contains("authorize"))
    }

    @Test("without --no-browser it hands the authorize URL to xdg-open when there is one")
    func opensTheBrowser() async throws {
        let world = try LocalWorld()
        let bin = world.folder.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let opened = world.folder.appendingPathComponent("opened.txt").path
        let script = bin.appendingPathComponent("xdg-open").path
        try "#!/bin/sh\nprintf '%s' \"$1\" > \(opened)\n".write(toFile: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script)
        let path = bin.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let (executable, arguments) = world.command(
            [
                "login", "--config", world.configPath, "--port", String(TestSupport.freePort()), "--api-base",
                "http://127.0.0.1:9", "--timeout", "600",
            ])
        var environment = world.environment()
        environment["PATH"] = path
        let login = try ChildProcess(
            arguments, executable: executable, environment: environment, logDirectory: world.folder)
        defer { login.stop() }
        #expect(await eventually { FileManager.default.fileExists(atPath: opened) })
        let url = try String(contentsOfFile: opened, encoding: .utf8)
        #expect(url.hasPrefix("http://127.0.0.1:9/v1/oauth/authorize?"))
        #expect(await eventually { login.stdoutText.contains(url) })
        #expect(login.stdoutText.contains("Your browser should open now"))
        _ = await login.terminate(grace: 5)
    }
}
