import EdgeCore
import EdgeHTTP
import EdgeNet
import Foundation
import TestSupport
import Testing

@testable import OAuth

/// The endpoints behind the real HTTP server on a real socket, driven by a plain HTTP client the
/// way the Python client's redirect handler will: follow each `Location`, submit the approval form
/// with the cookies the server set, log in at the sandbox, exchange the code.
@Suite(.serialized, .realWorld) struct OverSocketTests {
    @Test func aPlainHTTPClientCompletesTheSignInOverTheWire() async throws {
        let port = TestSupport.freePort()
        let issuer = "http://127.0.0.1:\(port)"
        let kv = try await KVProcess()
        let sandbox = try await SandboxProcess(redirectURI: issuer + "/callback")
        let logs = LogCapture()
        let upstream = UpstreamClient()
        defer { upstream.shutdown() }
        let settings = Fixture.settings(issuer: issuer, schwabBase: sandbox.base)
        let endpoints = OAuthEndpoints(
            settings: settings, keys: try Fixture.keys(), kv: kv.client, upstream: upstream, logger: logs.logger())
        let server = try HTTPServer(
            configuration: .init(host: "127.0.0.1", port: port, eventLoops: 1), responder: endpoints.responder,
            logger: logs.logger().named("http"))
        try server.start()
        defer { server.shutdown(deadline: .seconds(1)) }

        var jar: [String: String] = [:]
        func send(_ request: UpstreamRequest) async throws -> UpstreamResponse {
            var request = request
            if request.url.hasPrefix(issuer) && !jar.isEmpty {
                request.headers.add("Cookie", jar.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
            }
            let response = try await upstream.send(request)
            if request.url.hasPrefix(issuer) {
                for value in response.headers.values("Set-Cookie") {
                    let pair = value.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
                    if pair.count == 2 { jar[String(pair[0])] = String(pair[1]) }
                }
            }
            return response
        }

        let metadata = try JSONValue.parse(
            try await send(UpstreamRequest(url: issuer + "/.well-known/oauth-authorization-server")).body)
        #expect(metadata["issuer"]?.stringValue == issuer)
        let registration = try await send(
            .json(
                url: issuer + "/register",
                value: [
                    "redirect_uris": ["http://127.0.0.1:9/cb"], "client_name": "wire",
                    "token_endpoint_auth_method": "none",
                ]))
        #expect(registration.status == 201)
        let clientId = try #require(try JSONValue.parse(registration.body)["client_id"]?.stringValue)
        let verifier = PKCE.makeVerifier()
        let authorize =
            issuer + "/authorize?"
            + QueryParameters([
                ("response_type", "code"), ("client_id", clientId), ("redirect_uri", "http://127.0.0.1:9/cb"),
                ("state", "wire-state"), ("code_challenge", PKCE.challengeFor(verifier: verifier)),
                ("code_challenge_method", "S256"), ("resource", issuer + "/mcp"),
            ]).encoded
        let page = try await send(UpstreamRequest(url: authorize))
        #expect(page.status == 200)
        let html = page.text
        let approve = try await send(
            .form(
                url: issuer + "/authorize",
                fields: [
                    ("request", try #require(OAuthWorld.hidden("request", in: html))),
                    ("csrf_token", try #require(OAuthWorld.hidden("csrf_token", in: html))), ("action", "approve"),
                ]))
        #expect(approve.status == 302)
        let schwab = try #require(approve.header("Location"))
        let query = QueryParameters(parsing: schwab.split(separator: "?", maxSplits: 1)[1])
        let login = try await send(
            .form(
                url: sandbox.base + "/v1/oauth/authorize",
                fields: query.pairs.map { ($0.name, $0.value) } + [("login", "blair")]))
        let callback = try #require(login.header("Location"))
        #expect(callback.hasPrefix(issuer + "/callback?"))
        let back = try await send(UpstreamRequest(url: callback))
        let final = try #require(back.header("Location"))
        #expect(final.hasPrefix("http://127.0.0.1:9/cb?code="))
        let result = QueryParameters(parsing: final.split(separator: "?", maxSplits: 1)[1])
        #expect(result.first("state") == "wire-state" && result.first("iss") == issuer)
        let token = try await send(
            .form(
                url: issuer + "/token",
                fields: [
                    ("grant_type", "authorization_code"), ("code", result.first("code") ?? ""),
                    ("redirect_uri", "http://127.0.0.1:9/cb"), ("client_id", clientId), ("code_verifier", verifier),
                    ("resource", issuer + "/mcp"),
                ]))
        #expect(token.status == 200)
        let tokens = try JSONValue.parse(token.body)
        let access = try #require(tokens["access_token"]?.stringValue)
        var headers = HTTPHeaders()
        headers.add("Authorization", "Bearer " + access)
        guard
            case .authorized(let props) = await endpoints.bearer.authenticate(
                HTTPRequest(head: HTTPRequestHead(method: .get, target: "/mcp", headers: headers)))
        else {
            Issue.record("the token was refused")
            return
        }
        #expect(props.clientId == clientId && props.schwabUserId != nil)
        let callbackQuery = QueryParameters(parsing: callback.split(separator: "?", maxSplits: 1)[1])
        try LogScan.expectClean(
            logs.all,
            of: [
                verifier, access, tokens["refresh_token"]?.stringValue ?? "", result.first("code") ?? "",
                callbackQuery.first("code") ?? "", callbackQuery.first("state") ?? "",
            ] + jar.values)
    }
}
