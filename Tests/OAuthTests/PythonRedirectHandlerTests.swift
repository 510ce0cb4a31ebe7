import EdgeCore
import EdgeHTTP
import EdgeNet
import Foundation
import TestSupport
import Testing

@testable import OAuth

/// Python's own cookie jar and HTTP client (the machinery under httpx) submit our approval form
/// and the sandbox's login form over plain HTTP, as the MCP Python client's redirect handler
/// will: proof that our cookies (HttpOnly, SameSite, no Secure on plain-HTTP loopback) round-trip.
@Suite(.serialized, .realWorld) struct PythonRedirectHandlerTests {
    static let script = #"""
        import sys, re, html, http.cookiejar, urllib.request, urllib.parse, urllib.error
        authorize_url, sandbox_base, redirect = sys.argv[1], sys.argv[2], sys.argv[3]
        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())
        def fetch(url, data=None):
            body = urllib.parse.urlencode(data).encode() if data is not None else None
            try:
                with opener.open(url, body) as response:
                    return response.status, dict(response.headers), response.read().decode()
            except urllib.error.HTTPError as error:
                return error.code, dict(error.headers), error.read().decode()
        status, headers, page = fetch(authorize_url)
        assert status == 200, (status, page)
        fields = {m.group(1): html.unescape(m.group(2)) for m in re.finditer(r'name="([a-z_]+)" value="([^"]*)"', page)}
        status, headers, _ = fetch(authorize_url.split("/authorize")[0] + "/authorize",
                                   {"request": fields["request"], "csrf_token": fields["csrf_token"], "action": "approve"})
        assert status == 302, status
        schwab = headers["Location"]
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(schwab).query))
        query["login"] = "casey"
        status, headers, _ = fetch(sandbox_base + "/v1/oauth/authorize", query)
        assert status == 302, status
        status, headers, page = fetch(headers["Location"])
        assert status == 302, (status, page)
        location = headers["Location"]
        assert location.startswith(redirect), location
        print(location)
        """#

    @Test func pythonsCookieJarCompletesTheApprovalAndLogin() async throws {
        let port = TestSupport.freePort()
        let issuer = "http://127.0.0.1:\(port)"
        let kv = try await KVProcess()
        let sandbox = try await SandboxProcess(redirectURI: issuer + "/callback")
        let logs = LogCapture()
        let upstream = UpstreamClient()
        defer { upstream.shutdown() }
        let endpoints = OAuthEndpoints(
            settings: Fixture.settings(issuer: issuer, schwabBase: sandbox.base), keys: try Fixture.keys(),
            kv: kv.client, upstream: upstream, logger: logs.logger())
        let server = try HTTPServer(
            configuration: .init(host: "127.0.0.1", port: port, eventLoops: 1), responder: endpoints.responder,
            logger: logs.logger().named("http"))
        try server.start()
        defer { server.shutdown(deadline: .seconds(1)) }

        let registration = try await upstream.send(
            .json(
                url: issuer + "/register",
                value: [
                    "redirect_uris": ["http://127.0.0.1:9/cb"], "client_name": "python",
                    "token_endpoint_auth_method": "client_secret_post",
                ]))
        let registered = try JSONValue.parse(registration.body)
        let clientId = try #require(registered["client_id"]?.stringValue)
        let secret = try #require(registered["client_secret"]?.stringValue)
        let verifier = PKCE.makeVerifier()
        let authorize =
            issuer + "/authorize?"
            + QueryParameters([
                ("response_type", "code"), ("client_id", clientId), ("redirect_uri", "http://127.0.0.1:9/cb"),
                ("state", "py-state"), ("code_challenge", PKCE.challengeFor(verifier: verifier)),
                ("code_challenge_method", "S256"), ("resource", issuer + "/mcp"), ("scope", "read"),
            ]).encoded

        let folder = try TestSupport.temporaryDirectory("oauth-python")
        defer { try? FileManager.default.removeItem(at: folder) }
        let script = folder.appendingPathComponent("redirect_handler.py")
        try Self.script.write(to: script, atomically: true, encoding: .utf8)
        let python = try #require(
            ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) })
        let result = try await TestSupport.run(
            python, [script.path, authorize, sandbox.base, "http://127.0.0.1:9/cb"])
        try #require(result.status == 0, "python failed: \(result.error)")
        let final = result.output.trimmingCharacters(in: .whitespacesAndNewlines)
        let query = QueryParameters(parsing: final.split(separator: "?", maxSplits: 1)[1])
        #expect(query.first("state") == "py-state" && query.first("iss") == issuer)

        let token = try await upstream.send(
            .form(
                url: issuer + "/token",
                fields: [
                    ("grant_type", "authorization_code"), ("code", query.first("code") ?? ""),
                    ("redirect_uri", "http://127.0.0.1:9/cb"), ("client_id", clientId), ("client_secret", secret),
                    ("code_verifier", verifier), ("resource", issuer + "/mcp"),
                ]))
        #expect(token.status == 200)
        let tokens = try JSONValue.parse(token.body)
        try LogScan.expectClean(
            logs.all,
            of: [
                secret, verifier, query.first("code") ?? "", tokens["access_token"]?.stringValue ?? "",
                tokens["refresh_token"]?.stringValue ?? "",
            ])
    }
}
