import EdgeCore
import EdgeHTTP
import EdgeKV
import EdgeNet
import Foundation
import Testing

@testable import OAuth

/// One test's world for the whole sign-in: the real KV service, the real sandbox (fake Schwab),
/// our endpoints in this process driven request by request, and every log line they write.
/// `@unchecked Sendable`: confined to the one test that creates it (the cookie jar is mutated only
/// from that test's task).
final class OAuthWorld: @unchecked Sendable {
    let kv: KVProcess
    let sandbox: SandboxProcess
    let logs = LogCapture()
    let clock = TestClock(Int64(Date().timeIntervalSince1970))
    let upstream = UpstreamClient()
    let settings: OAuthSettings
    let endpoints: OAuthEndpoints
    let responder: RoutedResponder
    var cookies: [String: String] = [:]
    let redirectURI = "http://127.0.0.1:9/cb"

    init(rateLimit: RateLimiter = RateLimiter(capacity: 1000, perMinute: 1000)) async throws {
        kv = try await KVProcess()
        let issuer = Fixture.issuer
        sandbox = try await SandboxProcess(redirectURI: issuer + "/callback")
        settings = Fixture.settings(issuer: issuer, schwabBase: sandbox.base)
        endpoints = OAuthEndpoints(
            settings: settings, keys: try Fixture.keys(), kv: kv.client, upstream: upstream, logger: logs.logger(),
            rateLimit: rateLimit, clock: clock.function)
        responder = endpoints.responder
    }

    deinit { upstream.shutdown() }

    /// Sends one request to our endpoints, with the cookie jar, and stores any cookies set.
    func send(
        _ method: HTTPMethod, _ target: String, form: [(String, String)]? = nil, json: String? = nil,
        headers extra: [(String, String)] = [], peer: String = "127.0.0.1", useCookies: Bool = true
    ) async -> HTTPResponse {
        var headers = HTTPHeaders(extra)
        var body: [UInt8] = []
        if let form {
            headers.add("Content-Type", "application/x-www-form-urlencoded")
            body = Array(QueryParameters(form).encoded.utf8)
        }
        if let json {
            headers.add("Content-Type", "application/json")
            body = Array(json.utf8)
        }
        if useCookies && !cookies.isEmpty {
            headers.add("Cookie", cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; "))
        }
        let request = HTTPRequest(
            head: HTTPRequestHead(method: method, target: target, headers: headers), body: body, remoteAddress: peer)
        // The OAuth endpoints never drop a connection; a 502 would say they did.
        let response = await responder.respond(to: request).response() ?? HTTPResponse(status: .badGateway)
        if useCookies {
            for value in response.headers.values("Set-Cookie") {
                let pair = value.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
                if pair.count == 2 { cookies[String(pair[0])] = String(pair[1]) }
            }
        }
        return response
    }

    /// A request as the router would hand it to the bearer check.
    func mcpRequest(_ target: String = "/mcp", authorization: String?) -> HTTPRequest {
        var headers = HTTPHeaders()
        if let authorization { headers.add("Authorization", authorization) }
        return HTTPRequest(head: HTTPRequestHead(method: .post, target: target, headers: headers))
    }

    func register() async throws -> String {
        let response = await send(
            .post, "/register",
            json:
                #"{"client_name":"Flow Test","redirect_uris":["\#(redirectURI)"],"token_endpoint_auth_method":"none"}"#)
        #expect(response.status.code == 201)
        let json = try JSONValue.parse(response.bodyBytes)
        return try #require(json["client_id"]?.stringValue)
    }

    func authorizeTarget(clientId: String, challenge: String, state: String = "client-state") -> String {
        "/authorize?"
            + QueryParameters([
                ("response_type", "code"), ("client_id", clientId), ("redirect_uri", redirectURI), ("state", state),
                ("code_challenge", challenge), ("code_challenge_method", "S256"), ("resource", Fixture.issuer + "/mcp"),
            ]).encoded
    }

    /// The value of a hidden input on a page.
    static func hidden(_ name: String, in html: String) -> String? {
        guard let start = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
        let rest = html[start.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end]).replacingOccurrences(of: "&amp;", with: "&")
    }

    /// Logs in at the sandbox's form for the authorize URL; returns the `Location` it answers.
    func sandboxLogin(_ authorizeURL: String, login: String = "alex") async throws -> String {
        let page = try await upstream.send(UpstreamRequest(url: authorizeURL))
        #expect(page.status == 200)
        let query = QueryParameters(parsing: authorizeURL.split(separator: "?", maxSplits: 1)[1])
        var fields = query.pairs.map { ($0.name, $0.value) }
        fields.append(("login", login))
        fields.append(("password", "demo"))
        let posted = try await upstream.send(.form(url: sandbox.base + "/v1/oauth/authorize", fields: fields))
        #expect(posted.status == 302)
        return try #require(posted.header("Location"))
    }

    /// The sandbox user's Schwab user id (its `schwabClientCorrelId`).
    func sandboxUserId(_ login: String = "alex") async throws -> String {
        var headers = HTTPHeaders()
        headers.add("Authorization", "Bearer " + SandboxProcess.adminToken)
        let response = try await upstream.send(UpstreamRequest(url: sandbox.base + "/admin/users", headers: headers))
        let json = try JSONValue.parse(response.body)
        let users = json["users"]?.arrayValue ?? json.arrayValue ?? []
        let user = try #require(users.first { $0["login"]?.stringValue == login })
        return try #require(user["schwabClientCorrelId"]?.stringValue)
    }

    func advanceSandboxClock(seconds: Int) async throws {
        var headers = HTTPHeaders()
        headers.add("Authorization", "Bearer " + SandboxProcess.adminToken)
        let response = try await upstream.send(
            .json(
                url: sandbox.base + "/admin/clock", value: .object([("advanceSeconds", .int(seconds))]),
                headers: headers))
        #expect(response.status == 200)
    }

    /// Runs register, authorize, approval, Schwab login, callback and token exchange; returns
    /// the client id, the verifier, and everything secret seen on the way (for the log scan).
    func signIn() async throws -> (clientId: String, tokens: JSONValue, secrets: [String]) {
        let clientId = try await register()
        let verifier = PKCE.makeVerifier()
        let page = await send(
            .get, authorizeTarget(clientId: clientId, challenge: PKCE.challengeFor(verifier: verifier)))
        #expect(page.status.code == 200)
        let html = String(decoding: page.bodyBytes, as: UTF8.self)
        let signed = try #require(Self.hidden("request", in: html))
        let csrf = try #require(Self.hidden("csrf_token", in: html))
        let approved = await send(
            .post, "/authorize", form: [("request", signed), ("csrf_token", csrf), ("action", "approve")])
        #expect(approved.status.code == 302)
        let schwabURL = try #require(approved.headers["Location"])
        #expect(schwabURL.hasPrefix(sandbox.base + "/v1/oauth/authorize?"))
        let callbackURL = try await sandboxLogin(schwabURL)
        let callbackQuery = QueryParameters(parsing: callbackURL.split(separator: "?", maxSplits: 1)[1])
        let back = await send(.get, String(callbackURL.dropFirst(Fixture.issuer.count)))
        #expect(back.status.code == 302)
        let clientRedirect = try #require(back.headers["Location"])
        #expect(clientRedirect.hasPrefix(redirectURI + "?"))
        let result = QueryParameters(parsing: clientRedirect.split(separator: "?", maxSplits: 1)[1])
        #expect(result.first("state") == "client-state")
        #expect(result.first("iss") == Fixture.issuer)
        let code = try #require(result.first("code"))
        let token = await send(
            .post, "/token",
            form: [
                ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirectURI),
                ("client_id", clientId), ("code_verifier", verifier), ("resource", Fixture.issuer + "/mcp"),
            ])
        #expect(token.status.code == 200)
        let tokens = try JSONValue.parse(token.bodyBytes)
        let secrets =
            [
                verifier, code, signed, csrf, callbackQuery.first("code") ?? "", callbackQuery.first("state") ?? "",
                tokens["access_token"]?.stringValue ?? "", tokens["refresh_token"]?.stringValue ?? "",
            ] + cookies.values
        return (clientId, tokens, secrets)
    }
}
