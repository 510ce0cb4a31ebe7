import EdgeCore
import EdgeHTTP
import Testing

@testable import SchwabSandbox

/// The responder called directly with request values: no sockets, same code path as the server.
@Suite("SandboxResponder without sockets")
struct SandboxResponderTests {
    static func respond(
        _ responder: SandboxResponder, _ method: HTTPMethod, _ target: String, body: String = ""
    )
        async -> HTTPResponse
    {
        let request = HTTPRequest(
            head: HTTPRequestHead(method: method, target: target, headers: ["Host": "sandbox.test"]),
            body: Array(body.utf8))
        // A dropped connection has no response; these tests inject no drop faults.
        return await responder.respond(to: request).response() ?? HTTPResponse(status: .badGateway)
    }

    static func text(_ response: HTTPResponse) -> String {
        guard case .bytes(let bytes) = response.body else { return "" }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test(
        "every answer carries a fresh Schwab-Client-CorrelId, errors included",
        arguments: [
            (HTTPMethod.get, "/trader/v1/accounts"), (.get, "/marketdata/v1/quotes?symbols=AAPL"), (.get, "/nowhere"),
            (.post, "/v1/oauth/token"), (.get, "/health"), (.delete, "/trader/v1/userPreference"),
        ])
    func correlationIds(method: HTTPMethod, target: String) async {
        let responder = SandboxResponder(state: SandboxState(configuration: SandboxConfiguration()))
        let first = await Self.respond(responder, method, target)
        let second = await Self.respond(responder, method, target)
        let ids = [first, second].compactMap { $0.headers["Schwab-Client-CorrelId"] }
        #expect(ids.count == 2 && ids[0] != ids[1] && ids[0].count == 36)
    }

    @Test("the login page escapes what the client sent and pre-selects the first demo user")
    func loginPageEscapes() async {
        let responder = SandboxResponder(state: SandboxState(configuration: SandboxConfiguration()))
        let page = Self.text(
            await Self.respond(
                responder, .get,
                "/v1/oauth/authorize?response_type=code&client_id=sandbox-app&redirect_uri=http://localhost:9/cb"
                    + "&state=%22%3E%3Cscript%3Ealert(1)%3C/script%3E"))
        #expect(page.contains("&quot;&gt;&lt;script&gt;") && !page.contains("<script>"))
        #expect(page.contains("value=\"alex\" checked"))
    }

    @Test("redirect URIs: loopback by default, exact match once any are registered")
    func redirectPolicy() {
        var configuration = SandboxConfiguration()
        #expect(configuration.accepts(redirectURI: "http://127.0.0.1:8080/callback"))
        #expect(configuration.accepts(redirectURI: "http://localhost/cb"))
        #expect(!configuration.accepts(redirectURI: "http://localhost.evil.example/cb"))
        #expect(!configuration.accepts(redirectURI: "https://example.com/cb"))
        configuration.redirectURIs = ["https://app.example/callback"]
        #expect(configuration.accepts(redirectURI: "https://app.example/callback"))
        #expect(!configuration.accepts(redirectURI: "https://app.example/callback/"))
        #expect(!configuration.accepts(redirectURI: "http://127.0.0.1:8080/callback"))
    }

    @Test("with no admin token configured the admin API does not exist")
    func adminOff() async {
        let responder = SandboxResponder(state: SandboxState(configuration: SandboxConfiguration()))
        let response = await Self.respond(responder, .post, "/admin/clock", body: #"{"advanceSeconds":5}"#)
        #expect(response.status.code == 404)
        #expect(responder.state.clock.advancedSeconds == 0)
    }

    @Test("injected latency answers later, with the route's own answer")
    func latency() async {
        var configuration = SandboxConfiguration()
        configuration.adminToken = "t"
        let state = SandboxState(configuration: configuration)
        state.faults.withLock {
            $0.add(FaultRule(pathPattern: "/health", method: nil, status: nil, latencyMs: 5, remaining: 1))
        }
        state.hasFaults.store(true, ordering: .relaxed)
        let responder = SandboxResponder(state: state)
        let request = HTTPRequest(head: HTTPRequestHead(method: .get, target: "/health"))
        guard case .later(let later) = responder.respond(to: request) else {
            Issue.record("a latency fault must answer .later")
            return
        }
        let response = await later()
        #expect(response.status.code == 200 && Self.text(response) == "ok\n")
        guard case .now = responder.respond(to: request) else {
            Issue.record("the fault had a count of one")
            return
        }
    }
}
