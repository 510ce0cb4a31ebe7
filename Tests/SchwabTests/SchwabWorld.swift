import EdgeCore
import EdgeHTTP
import EdgeNet
import Foundation
import SchwabAuth
import Synchronization
import TestSupport

@testable import Schwab

/// A real world for the client: the `schwab-mcp sandbox` child (fake Schwab with its admin API),
/// the real KV service holding the user's encrypted Schwab tokens, the real `TokenManager`
/// refreshing at the sandbox's token endpoint, and a `SchwabClient` over all of it whose waits are
/// recorded instead of slept and whose log lines are kept.
///
/// `@unchecked Sendable`: every stored property is set once in init; the mutable parts are Mutexes.
final class SchwabWorld: @unchecked Sendable {
    static let adminToken = "schwab-client-tests-admin"
    static let userId = "USR-schwab-client-test"
    static let clientId = "mcp-client-1"

    let folder: URL
    let sandbox: ChildProcess
    let base: String
    let kv: KVServiceChild
    /// Bounds on a hang only: a request the loaded machine is slow to answer must not time out,
    /// or the client would retry (and record a sleep) where the test expects none.
    let upstream = UpstreamClient(
        configuration: .init(
            connectTimeout: .seconds(TestSupport.hangTimeout / 2), totalTimeout: .seconds(TestSupport.hangTimeout)))
    let store: SchwabTokenStore
    let manager: TokenManager
    let lines = Recorded<String>()
    let sleeps = Recorded<Duration>()
    let logger: Logger

    init() async throws {
        folder = try TestSupport.temporaryDirectory("schwab-client")
        sandbox = try ChildProcess(["sandbox", "--port", "0", "--admin-token", Self.adminToken], logDirectory: folder)
        var port: Int?
        let child = sandbox
        _ = await eventually {
            for line in child.stderrText.split(separator: "\n") where line.contains("\"sandbox ready\"") {
                if let json = try? JSONValue.parse(String(line)), let found = json["port"]?.intValue { port = found }
            }
            return port != nil || !child.isRunning
        }
        guard let port else { throw SetupFailure("the sandbox did not start: \(sandbox.stderrText)") }
        base = "http://127.0.0.1:\(port)"
        kv = try await KVServiceChild()
        store = SchwabTokenStore(
            kv: kv.client, namespace: "OAUTH_KV",
            key: try SchwabTokenKey(cookieEncryptionKey: "0123456789abcdef0123456789abcdef-schwab-client"))
        let lines = self.lines
        logger = Logger(label: "test", level: .debug, sink: LogSink { line in lines.append(line) })
        manager = TokenManager(
            store: store,
            schwab: SchwabOAuthClient(
                settings: SchwabOAuthSettings(
                    apiBase: base, clientId: "sandbox-app", clientSecret: "sandbox-secret", redirectURI: "admin:"),
                upstream: upstream),
            logger: logger, clock: { Int64(Date().timeIntervalSince1970) })
    }

    deinit {
        upstream.shutdown()
        _ = sandbox.stop()
        try? FileManager.default.removeItem(at: folder)
    }

    /// Signs `login` in through the admin API and stores the tokens as the OAuth callback would.
    @discardableResult
    func signIn(_ login: String = "alex") async throws -> SchwabTokens {
        let minted = try await admin(.post, "/admin/tokens", ["login": .string(login)])
        let now = Int64(Date().timeIntervalSince1970)
        let tokens = SchwabTokens(
            accessToken: try requireString(minted["access_token"]),
            refreshToken: try requireString(minted["refresh_token"]),
            expiresIn: 1800, expiresAt: now + 1800, refreshIssuedAt: now)
        try await store.save(tokens, schwabUserId: Self.userId, clientId: Self.clientId)
        return tokens
    }

    /// A client for the signed-in user, with recorded waits and a fixed jitter.
    func client(cache: Bool = true, retry: SchwabRetryPolicy = SchwabRetryPolicy()) -> SchwabClient {
        let sleeps = self.sleeps
        return SchwabClient(
            apiBase: base, upstream: upstream,
            tokens: .managed(by: manager, schwabUserId: Self.userId, clientId: Self.clientId), logger: logger,
            options: .init(
                retry: retry, cacheEnabled: cache, sleep: { delay in sleeps.append(delay) },
                random: { 0.5 }))
    }

    /// One admin call (`Authorization: Bearer <admin token>`); fails the test on a non-2xx answer.
    @discardableResult
    func admin(_ method: HTTPMethod, _ path: String, _ body: JSONValue? = nil) async throws -> JSONValue {
        var headers = HTTPHeaders()
        headers.add("Authorization", "Bearer " + Self.adminToken)
        let request =
            body.map { UpstreamRequest.json(method: method, url: base + path, value: $0, headers: headers) }
            ?? UpstreamRequest(method: method, url: base + path, headers: headers)
        let response = try await upstream.send(request)
        guard response.isSuccess else {
            throw SetupFailure("admin \(path) answered \(response.status): \(response.text)")
        }
        return response.body.isEmpty ? .null : try JSONValue.parse(response.body)
    }

    /// Injects a fault: `{"pathPattern", "status"|"drop", "count", "method"}`.
    func fault(
        _ pattern: String, status: Int? = nil, drop: Bool = false, count: Int, method: String? = nil
    )
        async throws
    {
        var rule: [(String, JSONValue)] = [("pathPattern", .string(pattern)), ("count", .int(count))]
        if let status { rule.append(("status", .int(status))) }
        if drop { rule.append(("drop", true)) }
        if let method { rule.append(("method", .string(method))) }
        try await admin(.post, "/admin/faults", .object(rule))
    }

    /// The fault rules still armed, with what remains of each.
    func faults() async throws -> [JSONValue] { try await admin(.get, "/admin/faults")["faults"]?.arrayValue ?? [] }

    /// Every log line the client and token manager wrote.
    var logText: String { lines.values.joined(separator: "\n") }

    /// The first account hash of the signed-in user.
    func firstAccountHash(_ client: SchwabClient) async throws -> String {
        let numbers = try await client.send(SchwabRequest(.trader, "/accounts/accountNumbers"))
        return try requireString(numbers.json[0]?["hashValue"])
    }
}

/// The string inside `value`, or a setup failure naming what was missing.
func requireString(_ value: JSONValue?, _ what: String = "a string") throws -> String {
    guard let text = value?.stringValue else {
        throw SetupFailure("expected \(what), got \(String(describing: value))")
    }
    return text
}

/// Values appended from any task (log lines, waits), read by the test.
final class Recorded<Value: Sendable>: Sendable {
    private let storage = Mutex<[Value]>([])
    /// Appends one value.
    func append(_ value: Value) { storage.withLock { $0.append(value) } }
    /// Everything appended so far.
    var values: [Value] { storage.withLock { $0 } }
    /// Forgets everything.
    func removeAll() { storage.withLock { $0.removeAll() } }
}
