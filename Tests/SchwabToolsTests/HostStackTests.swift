import EdgeCore
import EdgeKV
import Foundation
import SchwabAuth
import TestSupport
import Testing

/// The host's wiring through the whole stack: `schwab-mcp up` with `auth = "none"` (router, one
/// session host, kv, sandbox), the local user's Schwab tokens under `token:local` in the stack's
/// KV service, and tools called over MCP with curl.
@Suite("Schwab tools through schwab-mcp up (auth none)", .realWorld, .serialized)
struct HostStackTests {
    @Test("without a stored sign-in the tools say how to sign in; with tokens under token:local they answer")
    func localUser() async throws {
        let stack = try await LocalStack.start()
        let session = try await stack.initialize()
        let before = try await stack.call(session, 2, "getAccountNumbers")
        #expect(before["isError"] == true, "\(before.jsonText)")
        let words = before["content"]?.items.first?["text"]?.stringValue ?? ""
        #expect(words.contains("schwab-mcp login"), "\(words)")

        let numbers = try await stack.storeLocalTokens()
        let after = try await stack.call(session, 3, "getAccountNumbers")
        #expect(after["isError"] == nil, "\(after.jsonText)")
        let shown = after["structuredContent"]?["accounts"]?.items.compactMap { $0["accountDisplay"]?.stringValue }
        #expect(shown == ["Individual ...\(numbers[0].suffix(3))", "Roth IRA ...\(numbers[1].suffix(3))"])
        let accounts = try await stack.call(session, 4, "getAccounts", #"{"fields":"positions"}"#)
        #expect(accounts["structuredContent"]?["accounts"]?.items.count == 2)
        let quotes = try await stack.call(session, 5, "getQuotes", #"{"symbols":["AAPL"]}"#)
        #expect(quotes["structuredContent"]?["AAPL"]?["quote"] != nil)
        let listed = try await stack.rpc(#"{"jsonrpc":"2.0","id":6,"method":"tools/list"}"#, session: session)
        let names = listed["result"]?["tools"]?.items.compactMap { $0["name"]?.stringValue } ?? []
        #expect(names.contains("getPriceHistory") && !names.contains("placeOrder"))
        #expect(names.contains("echo"), "the diagnostic echo is listed outside production")
        for text in [before.jsonText, after.jsonText, accounts.jsonText, quotes.jsonText, stack.child.stderrText] {
            #expect(!numbers.contains { text.contains($0) })
        }
    }

    @Test("a host with no Schwab set up (no COOKIE_ENCRYPTION_KEY) starts, and its tools say how to sign in")
    func notSetUp() async throws {
        let stack = try await LocalStack.start(withCookieKey: false)
        let session = try await stack.initialize()
        let result = try await stack.call(session, 2, "getQuotes", #"{"symbols":["AAPL"]}"#)
        #expect(result["isError"] == true, "\(result.jsonText)")
        let words = result["content"]?.items.first?["text"]?.stringValue ?? ""
        #expect(words.contains("COOKIE_ENCRYPTION_KEY") && words.contains("schwab-mcp login"), "\(words)")
        let status = try await stack.call(session, 3, "status")
        #expect(status["structuredContent"]?["extra"]?["schwab"]?["signedIn"] == false)
        #expect(status["structuredContent"]?["extra"]?["schwab"]?["cache"]?["enabled"] == true)
    }

    @Test("SCHWAB_CACHE = \"off\" in [vars] turns each user's cache off; production lists no echo")
    func cacheOff() async throws {
        let stack = try await LocalStack.start(
            vars: """
                SCHWAB_CACHE = "off"
                ENVIRONMENT = "production"
                """)
        let session = try await stack.initialize()
        let listed = try await stack.rpc(#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#, session: session)
        let names = listed["result"]?["tools"]?.items.compactMap { $0["name"]?.stringValue } ?? []
        #expect(names.contains("getQuotes") && !names.contains("echo"), "\(names)")
        _ = try await stack.storeLocalTokens()
        for id in 2...3 { _ = try await stack.call(session, id, "getQuotes", #"{"symbols":["AAPL"]}"#) }
        let status = try await stack.call(session, 4, "status")
        let cache = status["structuredContent"]?["extra"]?["schwab"]?["cache"]
        #expect(cache?["enabled"] == false, "\(status.jsonText)")
        #expect(cache?["hits"] == 0)
    }
}

/// `schwab-mcp up` in a temporary folder with `auth = "none"`, one host and the sandbox.
/// `@unchecked Sendable`: set once in `start`; one test owns it.
final class LocalStack: @unchecked Sendable {
    let folder: URL
    let routerPort: Int
    let sandboxPort: Int
    let child: ChildProcess
    let cookieKey = String(repeating: "c", count: 48)
    static let adminToken = "host-stack-admin"

    private init(folder: URL, routerPort: Int, sandboxPort: Int, child: ChildProcess) {
        self.folder = folder
        self.routerPort = routerPort
        self.sandboxPort = sandboxPort
        self.child = child
    }

    static func start(withCookieKey: Bool = true, vars: String = "") async throws -> LocalStack {
        let folder = try TestSupport.temporaryDirectory("tools-up")
        let routerPort = TestSupport.freePort()
        let sandboxPort = TestSupport.freePort()
        let toml = """
            name = "tools-test"
            [runtime]
            public_url = "http://127.0.0.1:\(routerPort)"
            listen_address = "127.0.0.1"
            port = \(routerPort)
            hosts = 1
            auth = "none"
            shutdown_grace = "5s"
            socket_dir = "\(folder.path)/s"
            data_dir = "\(folder.path)/data"
            [vars]
            \(vars)
            [[kv_namespaces]]
            binding = "OAUTH_KV"
            id = "oauth"
            """
        try toml.write(to: folder.appendingPathComponent("wrangler.toml"), atomically: true, encoding: .utf8)
        var environment = ["SANDBOX_ADMIN_TOKEN": adminToken, "LOG_LEVEL": "debug"]
        if withCookieKey { environment["COOKIE_ENCRYPTION_KEY"] = String(repeating: "c", count: 48) }
        let stack = LocalStack(
            folder: folder, routerPort: routerPort, sandboxPort: sandboxPort,
            child: try ChildProcess(
                [
                    "up", "--config", folder.appendingPathComponent("wrangler.toml").path, "--sandbox-port",
                    String(sandboxPort),
                ],
                environment: environment,
                logDirectory: folder, currentDirectory: folder))
        let child = stack.child
        guard await eventually(timeout: 90, { child.stderrText.contains("schwab-mcp is up") || !child.isRunning }),
            child.isRunning
        else { throw SetupFailure("up did not start: \(child.stderrText.suffix(3000))") }
        return stack
    }

    deinit {
        _ = child.stop()
        try? FileManager.default.removeItem(at: folder)
    }

    /// Mints tokens for alex at the sandbox and seals them under `token:local` in the stack's KV;
    /// returns alex's account numbers (to search results for).
    func storeLocalTokens() async throws -> [String] {
        let sandbox = "http://127.0.0.1:\(sandboxPort)"
        let minted = try await ToolsWorld.curl(
            "POST", sandbox + "/admin/tokens", token: Self.adminToken, json: #"{"login":"alex"}"#)
        guard let access = minted["access_token"]?.stringValue, let refresh = minted["refresh_token"]?.stringValue
        else { throw SetupFailure("no tokens: \(minted.jsonText)") }
        let kv = KVClient(socketPath: folder.appendingPathComponent("s/kv.sock").path)
        let store = SchwabTokenStore(
            kv: kv, namespace: "OAUTH_KV", key: try SchwabTokenKey(cookieEncryptionKey: cookieKey))
        let now = Int64(Date().timeIntervalSince1970)
        try await store.save(
            SchwabTokens(
                accessToken: access, refreshToken: refresh, expiresIn: 1800, expiresAt: now + 1800,
                refreshIssuedAt: now),
            schwabUserId: nil, clientId: "local")
        let numbers = try await ToolsWorld.curl("GET", sandbox + "/trader/v1/accounts/accountNumbers", token: access)
        return numbers.items.compactMap { $0["accountNumber"]?.stringValue }
    }

    /// One JSON-RPC POST to `/mcp`; the answer's JSON (from a JSON body or an SSE `data:` line).
    func rpc(_ body: String, session: String? = nil) async throws -> JSONValue {
        var arguments = [
            "-s", "-i", "--max-time", "60", "-X", "POST", "-H", "Content-Type: application/json", "-H",
            "Accept: application/json, text/event-stream",
        ]
        if let session { arguments += ["-H", "Mcp-Session-Id: \(session)"] }
        arguments += ["--data", body, "http://127.0.0.1:\(routerPort)/mcp"]
        let output = try await TestSupport.run("/usr/bin/curl", arguments).output
        lastHeaders = output
        for line in output.split(whereSeparator: \.isNewline) {
            var text = Substring(line)
            if text.hasPrefix("data:") { text = text.dropFirst(5) }
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("{"), let value = try? JSONValue.parse(trimmed), value["jsonrpc"] != nil {
                return value
            }
        }
        return .null
    }

    private var lastHeaders = ""

    /// Initializes a session and returns its id.
    func initialize() async throws -> String {
        _ = try await rpc(
            #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","#
                + #""capabilities":{},"clientInfo":{"name":"tools-test","version":"1"}}}"#)
        let line = lastHeaders.split(whereSeparator: \.isNewline).first {
            $0.lowercased().hasPrefix("mcp-session-id:")
        }
        guard let line, let id = line.split(separator: ":").last?.trimmingCharacters(in: .whitespaces) else {
            throw SetupFailure("no session id: \(lastHeaders)")
        }
        _ = try await rpc(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#, session: id)
        return id
    }

    /// `tools/call` of `name`; the call's result object.
    func call(_ session: String, _ id: Int, _ name: String, _ arguments: String = "{}") async throws -> JSONValue {
        let answer = try await rpc(
            #"{"jsonrpc":"2.0","id":\#(id),"method":"tools/call","params":{"name":"\#(name)","arguments":\#(arguments)}}"#,
            session: session)
        return answer["result"] ?? answer
    }
}
