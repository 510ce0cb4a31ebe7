import EdgeCore
import EdgeKV
import EdgeNet
import Foundation
import MCP
import Schwab
import SchwabAuth
import SchwabTools
import Synchronization
import TestSupport

/// Log lines a test's loggers wrote, kept so a test can search them.
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])
    /// A logger at debug level writing here.
    var logger: Logger {
        Logger(label: "tools-test", level: .debug, sink: LogSink { line in self.lines.withLock { $0.append(line) } })
    }
    /// Everything written so far.
    var all: [String] { lines.withLock { $0 } }
}

/// A thread-safe count.
final class Counter: Sendable {
    private let count = Atomic<Int>(0)
    func increment() { count.add(1, ordering: .relaxed) }
    var value: Int { count.load(ordering: .relaxed) }
}

/// A real world for the tools: a `schwab-mcp sandbox` child (the fake Schwab, admin API on), a
/// `schwab-mcp kv` child holding the user's Schwab tokens (sealed, under `token:local`), and the
/// real `TokenManager`, `SchwabClient`, `AccountDirectory` and `SchwabToolbox` over them.
///
/// `@unchecked Sendable`: every stored property is set once in init; one test owns the world.
final class ToolsWorld: @unchecked Sendable {
    static let adminToken = "tools-test-admin"
    let kv: KVServiceChild
    let sandbox: ChildProcess
    let port: Int
    let upstream = UpstreamClient()
    let logs = LogCapture()
    let tokenManager: TokenManager
    /// The demo user's real accounts as Schwab's accountNumbers gives them (number, hash).
    let accounts: [(number: String, hash: String)]
    /// The access token minted for the demo user (for direct calls checking the sandbox's data).
    let accessToken: String
    /// How often a tool told the host the sign-in expired.
    var signInExpiredCalls: Int { signInExpired.value }
    let signInExpired = Counter()

    var base: String { "http://127.0.0.1:\(port)" }

    init(login: String = "alex") async throws {
        kv = try await KVServiceChild(namespaces: ["OAUTH_KV"])
        let child = try ChildProcess(["sandbox", "--port", "0", "--admin-token", Self.adminToken])
        sandbox = child
        var found: Int?
        _ = await eventually {
            for line in child.stderrText.split(separator: "\n") where line.contains("\"sandbox ready\"") {
                found = (try? JSONValue.parse(String(line)))?["port"]?.intValue
            }
            return found != nil || !child.isRunning
        }
        guard let found else { throw SetupFailure("sandbox did not start: \(child.stderrText)") }
        port = found
        let minted = try await Self.curl(
            "POST", "http://127.0.0.1:\(found)/admin/tokens", token: Self.adminToken, json: "{\"login\":\"\(login)\"}")
        guard let access = minted["access_token"]?.stringValue, let refresh = minted["refresh_token"]?.stringValue
        else { throw SetupFailure("no tokens from /admin/tokens: \(minted.jsonText)") }
        accessToken = access
        let key = try SchwabTokenKey(cookieEncryptionKey: String(repeating: "k", count: 40))
        let store = SchwabTokenStore(kv: kv.client, namespace: "OAUTH_KV", key: key)
        let now = Int64(Date().timeIntervalSince1970)
        try await store.save(
            SchwabTokens(
                accessToken: access, refreshToken: refresh, expiresIn: 1800, expiresAt: now + 1800,
                refreshIssuedAt: now),
            schwabUserId: nil, clientId: "local")
        let oauth = SchwabOAuthClient(
            settings: SchwabOAuthSettings(
                apiBase: "http://127.0.0.1:\(found)", clientId: "sandbox-app", clientSecret: "sandbox-secret",
                redirectURI: "http://127.0.0.1:1/callback"),
            upstream: upstream)
        tokenManager = TokenManager(
            store: store, schwab: oauth, logger: logs.logger, clock: { Int64(Date().timeIntervalSince1970) })
        let numbers = try await Self.curl(
            "GET", "http://127.0.0.1:\(found)/trader/v1/accounts/accountNumbers", token: access)
        accounts = numbers.items.compactMap { item in
            guard let number = item["accountNumber"]?.stringValue, let hash = item["hashValue"]?.stringValue else {
                return nil
            }
            return (number, hash)
        }
        guard !accounts.isEmpty else { throw SetupFailure("no accounts: \(numbers.jsonText)") }
    }

    /// The user's environment: a fresh client and directory, as the host builds per object.
    func environment(trading: TradingSettings = .disabled) -> SchwabToolEnvironment {
        let client = SchwabClient(
            apiBase: base, upstream: upstream,
            tokens: .managed(by: tokenManager, schwabUserId: nil, clientId: "local"), logger: logs.logger)
        let counter = signInExpired
        return SchwabToolEnvironment(
            client: client, accounts: AccountDirectory(client: client), userKey: "local", kv: kv.client,
            namespace: "OAUTH_KV", trading: trading, logger: logs.logger,
            onSignInExpired: { counter.increment() })
    }

    /// The toolbox of a fresh environment.
    func tools(trading: TradingSettings = .disabled) -> ToolSet {
        ToolSet(SchwabToolbox.tools(environment(trading: trading), server: MCPServerInfo(name: "t", version: "0")))
    }

    /// A GET of the sandbox's own data with the user's token (what the tools should show).
    func schwab(_ path: String) async throws -> JSONValue {
        try await Self.curl("GET", base + path, token: accessToken)
    }

    /// An admin call to the sandbox.
    func admin(_ method: String, _ path: String, json: String? = nil) async throws -> JSONValue {
        try await Self.curl(method, base + path, token: Self.adminToken, json: json)
    }

    static func curl(_ method: String, _ url: String, token: String?, json: String? = nil) async throws -> JSONValue {
        var arguments = ["-s", "--max-time", "60", "-X", method]
        if let token { arguments += ["-H", "Authorization: Bearer \(token)"] }
        if let json { arguments += ["-H", "Content-Type: application/json", "--data-binary", json] }
        arguments.append(url)
        let result = try await TestSupport.run("/usr/bin/curl", arguments)
        return (try? JSONValue.parse(result.output)) ?? .string(result.output)
    }
}

/// Tools by name, called as the MCP endpoint calls them: input validated against the schema
/// (a refusal is an `isError` result naming the field), the handler run, and structured output
/// checked against the output schema.
struct ToolSet: Sendable {
    let tools: [ToolDeclaration]
    init(_ tools: [ToolDeclaration]) { self.tools = tools }

    var names: [String] { tools.map(\.name) }

    func call(_ name: String, _ arguments: JSONValue = .object([])) async throws -> ToolResult {
        guard let tool = tools.first(where: { $0.name == name }) else { throw SetupFailure("no tool \(name)") }
        switch tool.input.validate(arguments) {
        case .failure(let problems):
            return ToolResult.error("Invalid arguments for tool \(name): \(problems)")
        case .success(let validated):
            let context = ToolContext(
                session: MCPSessionInfo(
                    id: "s", version: .latest, clientInfo: ["name": "tests"], clientCapabilities: [:],
                    transport: "streamable-http", cancelledCalls: 0, uptimeSeconds: 0),
                progressToken: nil, logLevel: .info, send: { _ in false }, request: nil)
            let result = try await tool.handler(validated, context)
            if let output = tool.output, let structured = result.structuredContent, !result.isError,
                case .failure(let problems) = output.validate(structured)
            {
                throw SetupFailure("\(name) output outside its schema: \(problems)")
            }
            return result
        }
    }
}

extension ToolResult {
    /// All text of the result (content blocks and structured content), for searching.
    var allText: String {
        content.map(\.jsonText).joined(separator: "\n") + (structuredContent?.jsonText ?? "")
    }
    /// The first text block.
    var text: String { content.first?["text"]?.stringValue ?? "" }
    /// The structured content, or null.
    var data: JSONValue { structuredContent ?? .null }
}

extension JSONValue {
    var items: [JSONValue] {
        if case .array(let items) = self { return items }
        return []
    }
    var keys: [String] {
        if case .object(let members) = self { return members.map(\.0) }
        return []
    }
}
