import EdgeCore
import EdgeKV
import EdgeNet
import Foundation
import MCP
import Schwab
import Synchronization
import TestSupport

@testable import SchwabTools

/// A real sandbox and a real KV service, with the order tools of demo user `alex` built over a
/// real `SchwabClient` and `AccountDirectory`, and a movable clock for confirmations.
///
/// The order tools are called the way the MCP endpoint calls them: arguments validated against
/// the tool's schema, a `ToolContext` whose `request` answers like a client's elicitation handler.
/// Orders are checked at the sandbox with curl, independently of our client.
/// `@unchecked Sendable`: set up once in init, then only read (the clock is behind a Mutex).
final class TradingWorld: @unchecked Sendable {
    static let adminToken = "trading-test-admin"
    static let user = "user-trading-1"

    let sandbox: ChildProcess
    let port: Int
    let kv: KVServiceChild
    let token: String
    let upstream: UpstreamClient
    let env: SchwabToolEnvironment
    /// Every account number and hash of the user: none may appear in any result or audit line.
    let secrets: [String]
    /// The first account's display name and hash.
    let display: String
    let hash: String
    let clock = MovableClock()
    /// The ids of the demo account's seeded orders, so tests count only what they placed.
    private(set) var seeded: Set<String> = []
    let folder: URL

    init(settings: TradingSettings = TradingSettings(enabled: true)) async throws {
        folder = try TestSupport.temporaryDirectory("trading-world")
        sandbox = try ChildProcess(
            ["sandbox", "--port", "0", "--admin-token", Self.adminToken], logDirectory: folder)
        var found: Int?
        let child = sandbox
        _ = await TestSupport.waitUntil {
            for line in child.stderrText.split(separator: "\n") where line.contains("\"sandbox ready\"") {
                if let object = try? JSONValue.parse(String(line)), let port = object["port"]?.intValue { found = port }
            }
            return found != nil || !child.isRunning
        }
        guard let found else { throw SetupFailure("sandbox did not start: \(sandbox.stderrText)") }
        port = found
        kv = try await KVServiceChild()
        let minted = try await Self.curl(
            port, "POST", "/admin/tokens", token: Self.adminToken, json: "{\"login\":\"alex\"}")
        guard let access = minted.json["access_token"]?.stringValue else {
            throw SetupFailure("no token: \(minted.text)")
        }
        token = access
        let numbers = try await Self.curl(port, "GET", "/trader/v1/accounts/accountNumbers", token: access)
        secrets = (numbers.json.arrayValue ?? []).flatMap {
            [$0["accountNumber"]?.stringValue ?? "", $0["hashValue"]?.stringValue ?? ""]
        }.filter { !$0.isEmpty }
        upstream = UpstreamClient()
        let logger = Logger(label: "trading-test", level: .error)
        let client = SchwabClient(
            apiBase: "http://127.0.0.1:\(found)", upstream: upstream, tokens: .fixed(access), logger: logger)
        let accounts = AccountDirectory(client: client)
        env = SchwabToolEnvironment(
            client: client, accounts: accounts, userKey: Self.user, kv: kv.client, namespace: "OAUTH_KV",
            trading: settings, logger: logger)
        let first = try await accounts.map().entries[0]
        display = first.display
        hash = first.hash
        seeded = Set(try await ordersAtSandbox().map { $0["orderId"].map(Self.idText) ?? "" })
    }

    static func idText(_ value: JSONValue) -> String { value.stringValue ?? value.intValue.map(String.init) ?? "" }

    /// The orders placed since the world started (the seeded ones left out).
    func newOrders() async throws -> [JSONValue] {
        try await ordersAtSandbox().filter { !seeded.contains($0["orderId"].map(Self.idText) ?? "") }
    }

    deinit {
        upstream.shutdown()
        sandbox.stop()
        try? FileManager.default.removeItem(at: folder)
    }

    /// Moves the confirmation clock forward.
    func advance(seconds: Double) { clock.offset.withLock { $0 += seconds } }

    var tools: [ToolDeclaration] {
        let clock = self.clock
        return TradingTools.tools(env, now: { ConfirmationStore.unixNow() + clock.offset.withLock { $0 } })
    }

    /// Wall time plus an offset the test moves.
    final class MovableClock: Sendable {
        let offset = Mutex<Double>(0)
    }

    /// What the client was asked, and what it answered.
    final class Asker: Sendable {
        let questions = Mutex<[String]>([])
        let answer: JSONValue
        init(_ answer: JSONValue) { self.answer = answer }
        var asked: [String] { questions.withLock { $0 } }
    }

    /// Calls `name` like the endpoint does; `asker` nil means a client without elicitation.
    func call(
        _ name: String, _ arguments: JSONValue, asker: Asker? = nil, in set: [ToolDeclaration]? = nil
    )
        async throws -> ToolResult
    {
        guard let tool = (set ?? tools).first(where: { $0.name == name }) else { throw SetupFailure("no tool \(name)") }
        let validated = try tool.input.validate(arguments).get()
        let capabilities: JSONValue = asker == nil ? [:] : ["elicitation": [:]]
        let session = MCPSessionInfo(
            id: "session-1", version: .latest, clientInfo: ["name": "test"], clientCapabilities: capabilities,
            transport: "streamable-http", cancelledCalls: 0, uptimeSeconds: 1)
        let request: ToolContext.Request? = asker.map { asker in
            { @Sendable method, params in
                guard method == "elicitation/create" else {
                    return .failure(JSONRPCError(code: -32601, message: method))
                }
                asker.questions.withLock { $0.append(params["message"]?.stringValue ?? "") }
                return .success(asker.answer)
            }
        }
        let context = ToolContext(
            session: session, progressToken: nil, logLevel: .info, send: { _ in true }, request: request)
        return try await tool.handler(validated, context)
    }

    /// The orders of the first account, as the sandbox lists them (newest first).
    func ordersAtSandbox() async throws -> [JSONValue] {
        let now = Date().timeIntervalSince1970
        let from = AuditEntry.isoTime(now - 86_400 * 30)
        let to = AuditEntry.isoTime(now + 86_400 * 30)
        let reply = try await Self.curl(
            port, "GET", "/trader/v1/accounts/\(hash)/orders?fromEnteredTime=\(from)&toEnteredTime=\(to)", token: token)
        guard let orders = reply.json.arrayValue else { throw SetupFailure("orders: \(reply.text)") }
        return orders
    }

    /// One order as the sandbox shows it.
    func orderAtSandbox(_ id: String) async throws -> JSONValue {
        try await Self.curl(port, "GET", "/trader/v1/accounts/\(hash)/orders/\(id)", token: token).json
    }

    /// Fails when `text` holds an account number or hash.
    func leaks(_ text: String) -> [String] { secrets.filter { text.contains($0) } }

    struct Reply {
        let status: Int
        let text: String
        var json: JSONValue { (try? JSONValue.parse(text)) ?? .null }
    }

    static func curl(
        _ port: Int, _ method: String, _ path: String, token: String, json: String? = nil
    )
        async throws -> Reply
    {
        var arguments = ["-s", "-X", method, "-w", "\n%{http_code}", "-H", "Authorization: Bearer \(token)"]
        if let json { arguments += ["-H", "Content-Type: application/json", "--data-binary", json] }
        arguments.append("http://127.0.0.1:\(port)\(path)")
        let result = try await TestSupport.run("/usr/bin/curl", arguments)
        let lines = result.output.split(separator: "\n", omittingEmptySubsequences: false)
        return Reply(status: Int(lines.last ?? "") ?? 0, text: lines.dropLast().joined(separator: "\n"))
    }
}

/// Orders and answers the trading tests share.
extension TradingWorld {
    static let accept = TradingWorld.Asker(["action": "accept", "content": ["confirm": true]])

    static func order(
        _ world: TradingWorld, quantity: Int = 3, price: Double = 100, symbol: String = "MSFT",
        assetType: String = "EQUITY", instruction: String = "BUY", extra: [(String, JSONValue)] = []
    ) -> JSONValue {
        .object(
            [
                ("accountNumber", .string(world.display)), ("orderStrategyType", "SINGLE"), ("session", "NORMAL"),
                ("duration", "DAY"), ("orderType", "LIMIT"), ("price", .double(price)),
                (
                    "orderLegCollection",
                    [
                        [
                            "instruction": .string(instruction), "quantity": .int(quantity),
                            "instrument": ["symbol": .string(symbol), "assetType": .string(assetType)],
                        ]
                    ]
                ),
            ] + extra)
    }

    static func with(_ json: JSONValue, _ extra: (String, JSONValue)) -> JSONValue {
        guard case .object(var members) = json else { return json }
        members.removeAll { $0.0 == extra.0 }
        members.append(extra)
        return .object(members)
    }

    static func events(_ world: TradingWorld) async throws -> [String] {
        try await AuditLog(kv: world.kv.client, namespace: "OAUTH_KV").list(user: TradingWorld.user, limit: 1000)
            .map { "\($0.tool):\($0.event.rawValue)" }
    }
}
