import EdgeCore
import EdgeHTTP
import Testing

@testable import MCP

/// Every HTTP error status of the transports, driven with request values (no socket needed).
@Suite("MCP endpoint: HTTP statuses")
struct MCPEndpointStatusTests {
    typealias H = EndpointHarness
    static let ping = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"

    @Test(
        "refusals before any session: method, media types, body, session id, Host and Origin",
        arguments: [
            (HTTPMethod.put, "/mcp", ping, [(String, String)](), 405),
            (.patch, "/sse", "", [], 405),
            (.get, "/messages", "", [], 405),
            (.post, "/nowhere", ping, [], 404),
            (.post, "/mcp", ping, [("Content-Type", "text/plain")], 415),
            (.post, "/mcp", ping, [("Accept", "application/json")], 406),
            (.post, "/mcp", ping, [("Accept", "text/event-stream")], 406),
            (.post, "/mcp", "{bad json", [], 400),
            (.post, "/mcp", ping, [], 400),
            (.post, "/mcp", ping, [("Mcp-Session-Id", "no-such-session")], 404),
            (.get, "/mcp", "", [("Accept", "text/event-stream")], 400),
            (.get, "/mcp", "", [("Accept", "application/json"), ("Mcp-Session-Id", "x")], 406),
            (.delete, "/mcp", "", [], 400),
            (.delete, "/mcp", "", [("Mcp-Session-Id", "no-such-session")], 404),
            (.post, "/mcp", ping, [("Host", "evil.example:8080")], 421),
            (.post, "/mcp", ping, [("Origin", "http://evil.example")], 403),
            (.get, "/sse", "", [("Origin", "https://attacker.test")], 403),
            (.post, "/messages", ping, [], 400),
            (.post, "/messages?sessionId=unknown", ping, [], 404),
        ])
    func refusals(
        method: HTTPMethod, target: String, body: String, headers: [(String, String)], status: Int
    ) async throws {
        let endpoint = try H.endpoint()
        let response = await endpoint.handle(H.request(method, target, body: body, headers: headers, replacing: true))
        #expect(response.status.code == status)
        // Every refusal explains itself as a JSON-RPC error object.
        let error = H.bodyJSON(response)?["error"]
        #expect(error?["message"]?.stringValue?.isEmpty == false)
        if status == 405 { #expect(response.headers["Allow"] != nil) }
    }

    @Test("allowed origins pass: the configured public origin and a same-host origin")
    func allowedOrigins() async throws {
        let endpoint = try H.endpoint()
        for origin in ["https://mcp.example.com", "http://127.0.0.1:8080", "http://localhost:3000"] {
            let response = await endpoint.handle(
                H.request(.post, "/mcp", body: H.initializeBody("2025-11-25"), headers: [("Origin", origin)]))
            #expect(response.status.code == 200, "\(origin)")
        }
    }

    @Test("a parse error is -32700 and an empty batch -32600, both with id null")
    func parseErrors() async throws {
        let endpoint = try H.endpoint()
        let parse = await endpoint.handle(H.request(.post, "/mcp", body: "{\"jsonrpc\":"))
        #expect(H.bodyJSON(parse)?["error"]?["code"] == -32700)
        #expect(H.bodyJSON(parse)?["id"] == .null)
        let empty = await endpoint.handle(H.request(.post, "/mcp", body: "[]"))
        #expect(H.bodyJSON(empty)?["error"]?["code"] == -32600)
    }

    @Test("a 2026-07-28 server/discover gets plain -32601, never -32022, so the client falls back")
    func discoverFallsBack() async throws {
        let endpoint = try H.endpoint()
        let body =
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"server/discover\",\"params\":{\"_meta\":"
            + "{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\"}}}"
        let response = await endpoint.handle(
            H.request(
                .post, "/mcp", body: body,
                headers: [("MCP-Protocol-Version", "2026-07-28"), ("Mcp-Method", "server/discover")]))
        #expect(response.status.code == 400)
        #expect(H.bodyJSON(response)?["error"]?["code"] == -32601)
        #expect(H.bodyJSON(response)?["id"] == 1)
    }

    @Test("with a session: bad MCP-Protocol-Version 400, notifications and responses 202, DELETE then 404")
    func sessionStatuses() async throws {
        let endpoint = try H.endpoint()
        let id = try #require(await H.open(endpoint))
        let session = [("Mcp-Session-Id", id)]
        for bad in ["2026-07-28", "2025-01-01", "latest"] {
            let response = await endpoint.handle(
                H.request(.post, "/mcp", body: Self.ping, headers: session + [("MCP-Protocol-Version", bad)]))
            #expect(response.status.code == 400, "\(bad)")
        }
        let note = await endpoint.handle(
            H.request(
                .post, "/mcp", body: "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/roots/list_changed\"}",
                headers: session))
        #expect(note.status.code == 202)
        let answer = await endpoint.handle(
            H.request(.post, "/mcp", body: "{\"jsonrpc\":\"2.0\",\"id\":\"s-99\",\"result\":{}}", headers: session))
        #expect(answer.status.code == 202)
        let ping = await endpoint.handle(H.request(.post, "/mcp", body: Self.ping, headers: session))
        #expect(ping.status.code == 200)
        #expect(H.bodyJSON(ping) == ["jsonrpc": "2.0", "id": 1, "result": [:]])
        let unknownStream = await endpoint.handle(
            H.request(
                .get, "/mcp", headers: session + [("Accept", "text/event-stream"), ("Last-Event-ID", "zz-3")],
                replacing: true))
        #expect(unknownStream.status.code == 400)
        #expect(await endpoint.handle(H.request(.delete, "/mcp", headers: session)).status.code == 200)
        #expect(await endpoint.handle(H.request(.post, "/mcp", body: Self.ping, headers: session)).status.code == 404)
        #expect(await endpoint.handle(H.request(.delete, "/mcp", headers: session)).status.code == 404)
    }

    @Test("another user's session id is unknown (404): sessions are bound to the user")
    func boundToUser() async throws {
        let store = InMemorySessionStore()
        let alice = try H.endpoint(store: store) { _ in "alice" }
        let id = try #require(await H.open(alice))
        let mallory = try H.endpoint(store: store) { _ in "mallory" }
        let response = await mallory.handle(
            H.request(.post, "/mcp", body: Self.ping, headers: [("Mcp-Session-Id", id)]))
        #expect(response.status.code == 404)
    }

    @Test(
        "batches are answered only in sessions that negotiated 2025-03-26",
        arguments: [("2025-03-26", 200), ("2025-06-18", 400), ("2025-11-25", 400), ("2024-11-05", 400)])
    func batches(version: String, status: Int) async throws {
        let endpoint = try H.endpoint()
        let id = try #require(await H.open(endpoint, version: version))
        let body =
            "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"},{\"jsonrpc\":\"2.0\",\"method\":\"notifications/x\"},"
            + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"message\":\"b\"}}}]"
        let response = await endpoint.handle(H.request(.post, "/mcp", body: body, headers: [("Mcp-Session-Id", id)]))
        #expect(response.status.code == status)
        if status == 200 {
            let answers = try #require(H.bodyJSON(response)?.arrayValue)
            #expect(answers.count == 2)
            #expect(answers[0]["id"] == 1 && answers[1]["id"] == 2)
            #expect(answers[1]["result"]?["content"]?[0]?["text"] == "{\"message\":\"b\"}")
        }
    }
}
