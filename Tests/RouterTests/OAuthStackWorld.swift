import EdgeCore
import EdgeHTTP
import EdgeKV
import EdgeNet
import Foundation
import Synchronization
import TestSupport

@testable import OAuth

/// One test's stack with `auth = "oauth"` as real processes: `schwab-mcp kv`, the sandbox (the
/// fake Schwab, accepting `<issuer>/callback`), two hosts and the router, all with the Schwab app
/// credentials and cookie key in their environment, the way `up` hands them over. The repository's
/// wrangler.toml (whose default is now `auth = "oauth"`) with this world's folders and ports.
///
/// Confined: immutable after `init` except the cookie jar, which sits behind a `Mutex`.
final class OAuthStackWorld: Sendable {
    let folder: URL
    let socketDir: String
    let port: Int
    let sandboxPort: Int
    let children: [ChildProcess]
    let upstream = UpstreamClient()
    let cookieKey = "test-cookie-key-" + UUID().uuidString
    private let jar = Mutex<[String: String]>([:])

    var issuer: String { "http://127.0.0.1:\(port)" }
    var sandbox: String { "http://127.0.0.1:\(sandboxPort)" }
    var kvSocket: String { socketDir + "/kv.sock" }
    static let redirectURI = "http://127.0.0.1:9/cb"
    static let adminToken = "stack-admin-token"

    /// Ends every token the sandbox issued, refresh tokens included: Schwab's 7-day end of a sign-in.
    func expireSchwabSignIns() async throws {
        var headers = HTTPHeaders()
        headers.add("Authorization", "Bearer " + Self.adminToken)
        let response = try await upstream.send(
            .json(url: sandbox + "/admin/expire-tokens", value: ["keepRefreshTokens": false], headers: headers))
        guard response.status == 200 else { throw WorldError(message: "expire-tokens: \(response.status)") }
    }

    init() async throws {
        folder = try TestSupport.temporaryDirectory("oauth-stack")
        socketDir = folder.appendingPathComponent("s").path
        try FileManager.default.createDirectory(atPath: socketDir, withIntermediateDirectories: true)
        port = TestSupport.freePort()
        sandboxPort = TestSupport.freePort()
        var started: [ChildProcess] = []
        let issuer = "http://127.0.0.1:\(port)"
        let common = [
            "--config", RuntimeWorld.repositoryConfig, "--socket-dir", socketDir, "--data-dir",
            folder.appendingPathComponent("data").path, "--port", String(port), "--log-level", "debug",
        ]
        let environment = [
            "SCHWAB_API_BASE_URL": "http://127.0.0.1:\(sandboxPort)", "SCHWAB_CLIENT_ID": "sandbox-app",
            "SCHWAB_CLIENT_SECRET": "sandbox-secret", "SCHWAB_REDIRECT_URI": issuer + "/callback",
            "COOKIE_ENCRYPTION_KEY": cookieKey,
        ]
        do {
            started.append(try ChildProcess(["kv"] + common, logDirectory: folder))
            started.append(
                try ChildProcess(
                    [
                        "sandbox", "--port", String(sandboxPort), "--redirect-uri", issuer + "/callback",
                        "--admin-token", Self.adminToken,
                    ],
                    logDirectory: folder))
            let kvSocket = socketDir + "/kv.sock"
            guard
                await eventually(timeout: TestSupport.hangTimeout, { FileManager.default.fileExists(atPath: kvSocket) })
            else {
                throw WorldError(message: "kv did not start: \(started[0].stderrText)")
            }
            for id in [1, 2] {
                started.append(
                    try ChildProcess(
                        ["host", "--id", String(id)] + common, environment: environment, logDirectory: folder))
            }
            for id in [1, 2] {
                let path = socketDir + "/host-\(id).sock"
                guard
                    await eventually(timeout: TestSupport.hangTimeout, { FileManager.default.fileExists(atPath: path) })
                else {
                    throw WorldError(message: "host \(id) did not start")
                }
            }
            let router = try ChildProcess(
                ["router", "--auth", "oauth"] + common, environment: environment, logDirectory: folder)
            started.append(router)
            let sandboxPort = self.sandboxPort
            guard
                await eventuallyAnswers({
                    (try? await HTTP.get(issuer + "/health"))?.body.contains("\"live_hosts\":2}") == true
                        && TestSupport.isListening(port: sandboxPort)
                })
            else {
                throw WorldError(message: "the oauth stack did not come up: \(router.stderrText)")
            }
        } catch {
            for child in started { child.stop() }
            throw error
        }
        children = started
    }

    /// Everything the children logged.
    var logs: String { children.map { $0.stderrText + $0.stdoutText }.joined(separator: "\n") }

    /// Stops every child (router first) and removes the folder.
    func stop() async {
        for child in children.reversed() { _ = await child.terminate(grace: 3) }
        upstream.shutdown()
        try? FileManager.default.removeItem(at: folder)
    }

    /// Cleanup only (`defer`): stops what still runs, blocking briefly (see `ChildProcess.stop`).
    func cleanUp() {
        for child in children.reversed() { child.stop() }
        upstream.shutdown()
        try? FileManager.default.removeItem(at: folder)
    }

    /// Sends `request` without following redirects, with the router's cookies.
    func send(_ request: UpstreamRequest) async throws -> UpstreamResponse {
        var request = request
        let cookies = jar.withLock { $0 }
        if request.url.hasPrefix(issuer) && !cookies.isEmpty {
            request.headers.add("Cookie", cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; "))
        }
        let response = try await upstream.send(request)
        if request.url.hasPrefix(issuer) {
            for value in response.headers.values("Set-Cookie") {
                let pair = value.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
                if pair.count == 2 { jar.withLock { $0[String(pair[0])] = String(pair[1]) } }
            }
        }
        return response
    }

    /// What a sign-in produced.
    struct SignIn {
        let clientId: String
        let accessToken: String
        let refreshToken: String
        /// Everything secret seen on the way, for the log scan.
        let secrets: [String]
    }

    /// Registration, authorize, approval, sandbox login as `login`, callback, token exchange:
    /// the whole flow over the wire, as a client's redirect handler walks it.
    func signIn(resource: String, login: String = "alex") async throws -> SignIn {
        let registration = try await send(
            .json(
                url: issuer + "/register",
                value: [
                    "redirect_uris": [.string(Self.redirectURI)], "client_name": "stack test",
                    "token_endpoint_auth_method": "none",
                ]))
        guard registration.status == 201,
            let clientId = try JSONValue.parse(registration.body)["client_id"]?.stringValue
        else { throw WorldError(message: "registration failed: \(registration.status) \(registration.text)") }
        let verifier = PKCE.makeVerifier()
        let authorize =
            issuer + "/authorize?"
            + QueryParameters([
                ("response_type", "code"), ("client_id", clientId), ("redirect_uri", Self.redirectURI),
                ("state", "stack-state"), ("code_challenge", PKCE.challengeFor(verifier: verifier)),
                ("code_challenge_method", "S256"), ("resource", resource),
            ]).encoded
        let page = try await send(UpstreamRequest(url: authorize))
        guard page.status == 200, let signed = Self.hidden("request", in: page.text),
            let csrf = Self.hidden("csrf_token", in: page.text)
        else { throw WorldError(message: "no approval page: \(page.status) \(page.text)") }
        let approve = try await send(
            .form(
                url: issuer + "/authorize", fields: [("request", signed), ("csrf_token", csrf), ("action", "approve")]))
        guard approve.status == 302, let schwab = approve.header("Location"), schwab.hasPrefix(sandbox) else {
            throw WorldError(message: "approval did not lead to the sandbox: \(approve.status) \(approve.text)")
        }
        let query = QueryParameters(parsing: schwab.split(separator: "?", maxSplits: 1)[1])
        let login = try await send(
            .form(
                url: sandbox + "/v1/oauth/authorize",
                fields: query.pairs.map { ($0.name, $0.value) } + [("login", login), ("password", "demo")]))
        guard let callback = login.header("Location"), callback.hasPrefix(issuer + "/callback?") else {
            throw WorldError(message: "the sandbox login did not call back: \(login.status) \(login.text)")
        }
        let back = try await send(UpstreamRequest(url: callback))
        guard let final = back.header("Location"), final.hasPrefix(Self.redirectURI + "?") else {
            throw WorldError(message: "the callback did not redirect to the client: \(back.status) \(back.text)")
        }
        let result = QueryParameters(parsing: final.split(separator: "?", maxSplits: 1)[1])
        let code = result.first("code") ?? ""
        let token = try await send(
            .form(
                url: issuer + "/token",
                fields: [
                    ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", Self.redirectURI),
                    ("client_id", clientId), ("code_verifier", verifier), ("resource", resource),
                ]))
        let tokens = try JSONValue.parse(token.body)
        guard token.status == 200, let access = tokens["access_token"]?.stringValue,
            let refresh = tokens["refresh_token"]?.stringValue
        else { throw WorldError(message: "the token exchange failed: \(token.status) \(token.text)") }
        let callbackQuery = QueryParameters(parsing: callback.split(separator: "?", maxSplits: 1)[1])
        return SignIn(
            clientId: clientId, accessToken: access, refreshToken: refresh,
            secrets: [
                verifier, code, access, refresh, callbackQuery.first("code") ?? "",
                callbackQuery.first("state") ?? "",
            ] + jar.withLock { Array($0.values) })
    }

    /// A JSON-RPC POST to an MCP endpoint with `token` (and the session, once there is one).
    func mcp(
        _ body: String, token: String?, session: String? = nil, path: String = "/mcp",
        extra: [(String, String)] = []
    ) async throws -> UpstreamResponse {
        var headers = HTTPHeaders(extra)
        headers.add("Accept", "application/json, text/event-stream")
        if let token { headers.add("Authorization", "Bearer " + token) }
        if let session {
            headers.add("Mcp-Session-Id", session)
            headers.add("MCP-Protocol-Version", "2025-06-18")
        }
        return try await send(.json(url: issuer + path, body: Array(body.utf8), headers: headers))
    }

    /// Initializes an MCP session with `token`; returns its id.
    func initialize(token: String) async throws -> String {
        let response = try await mcp(
            #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"stack-test","version":"1"}}}"#,
            token: token)
        guard response.status == 200, let session = response.header("Mcp-Session-Id") else {
            throw WorldError(message: "initialize failed: \(response.status) \(response.text)")
        }
        _ = try await mcp(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#, token: token, session: session)
        return session
    }

    /// `schwab-mcp grants ...` against this stack's KV service.
    func grants(_ arguments: [String]) async throws -> CommandResult {
        try await TestSupport.run(
            TestSupport.binary.path,
            ["grants"] + arguments + ["--config", RuntimeWorld.repositoryConfig, "--socket-dir", socketDir])
    }

    /// The value of a hidden input on a page.
    static func hidden(_ name: String, in html: String) -> String? {
        guard let start = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
        let rest = html[start.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end]).replacingOccurrences(of: "&amp;", with: "&")
    }
}
