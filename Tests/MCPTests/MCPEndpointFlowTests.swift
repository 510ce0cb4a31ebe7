import EdgeCore
import EdgeHTTP
import Foundation
import Synchronization
import TestSupport
import Testing

@testable import MCP

/// Whole exchanges through the endpoint with request values: tool calls, streams, resumption,
/// elicitation, cancellation, legacy SSE, failover to a second endpoint over the same store.
@Suite("MCP endpoint: exchanges")
struct MCPEndpointFlowTests {
    typealias H = EndpointHarness

    static func call(_ id: Int, _ tool: String, _ arguments: String, meta: String? = nil) -> String {
        let metaPart = meta.map { ",\"_meta\":\($0)" } ?? ""
        return "{\"jsonrpc\":\"2.0\",\"id\":\(id),\"method\":\"tools/call\",\"params\":{\"name\":\"\(tool)\","
            + "\"arguments\":\(arguments)\(metaPart)}}"
    }

    @Test(
        "initialize gives a visible-ASCII random session id and answers each revision",
        arguments: MCPProtocolVersion.supported)
    func initialize(version: MCPProtocolVersion) async throws {
        let endpoint = try H.endpoint()
        let response = await endpoint.handle(H.request(.post, "/mcp", body: H.initializeBody(version.rawValue)))
        let id = try #require(response.headers["Mcp-Session-Id"])
        #expect(id.utf8.count >= 32 && id.utf8.allSatisfy { $0 >= 0x21 && $0 <= 0x7E })
        #expect(H.bodyJSON(response)?["result"]?["protocolVersion"] == .string(version.rawValue))
        let other = await endpoint.handle(H.request(.post, "/mcp", body: H.initializeBody(version.rawValue)))
        #expect(other.headers["Mcp-Session-Id"] != id)
    }

    @Test(
        "tools/call answers JSON with structuredContent and the same JSON as text; bad input is isError naming the field"
    )
    func callTool() async throws {
        let endpoint = try H.endpoint()
        let id = try #require(await H.open(endpoint, version: "2025-06-18"))
        let ok = await endpoint.handle(
            H.request(
                .post, "/mcp", body: Self.call(3, "echo", "{\"message\":\"hi\"}"), headers: [("Mcp-Session-Id", id)]))
        #expect(ok.headers["Content-Type"] == "application/json")
        let result = try #require(H.bodyJSON(ok)?["result"])
        #expect(result["structuredContent"] == ["message": "hi"])
        #expect(result["content"]?[0]?["text"] == "{\"message\":\"hi\"}")
        let bad = await endpoint.handle(
            H.request(
                .post, "/mcp", body: Self.call(4, "echo", "{\"message\":7,\"delayMs\":-1}"),
                headers: [("Mcp-Session-Id", id)]))
        let failure = try #require(H.bodyJSON(bad)?["result"])
        #expect(failure["isError"] == true)
        let text = failure["content"]?[0]?["text"]?.stringValue ?? ""
        #expect(text.contains("message: expected a string of at most 10000 characters, received 7"))
        #expect(text.contains("delayMs: expected an integer from 0 to 60000, received -1"))
        let unknown = await endpoint.handle(
            H.request(.post, "/mcp", body: Self.call(5, "nope", "{}"), headers: [("Mcp-Session-Id", id)]))
        #expect(H.bodyJSON(unknown)?["error"]?["code"] == -32602)
    }

    @Test("a session carries on in a second endpoint over the same store, without a new initialize")
    func failover() async throws {
        let store = InMemorySessionStore()
        var first: MCPEndpoint? = try H.endpoint(store: store)
        let id = try #require(await H.open(first!, version: "2025-06-18"))
        _ = await first!.handle(
            H.request(
                .post, "/mcp",
                body: "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"logging/setLevel\",\"params\":{\"level\":\"error\"}}",
                headers: [("Mcp-Session-Id", id)]))
        first = nil
        let second = try H.endpoint(store: store)
        #expect(second.liveSessionCount == 0)
        let response = await second.handle(
            H.request(
                .post, "/mcp", body: Self.call(1, "status", "{}"),
                headers: [("Mcp-Session-Id", id), ("MCP-Protocol-Version", "2025-06-18")]))
        #expect(response.status.code == 200)
        let status = try #require(H.bodyJSON(response)?["result"]?["structuredContent"])
        #expect(status["protocolVersion"] == "2025-06-18")
        #expect(status["client"] == "harness")
        let restored = try #require(await store.getJSON("mcp/session/\(id)"))
        #expect(restored["logLevel"] == "error")
        // Ended on the second endpoint: gone for everyone.
        _ = await second.handle(H.request(.delete, "/mcp", headers: [("Mcp-Session-Id", id)]))
        let third = try H.endpoint(store: store)
        #expect(
            await third.handle(
                H.request(
                    .post, "/mcp", body: "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}",
                    headers: [("Mcp-Session-Id", id)])
            ).status.code == 404)
    }

    @Test(
        "a call with a progress token streams: primer, progress in order, a log line, the result; Last-Event-ID replays the rest"
    )
    func progressAndReplay() async throws {
        let endpoint = try H.endpoint()
        let id = try #require(await H.open(endpoint))
        let response = await endpoint.handle(
            H.request(
                .post, "/mcp",
                body: Self.call(
                    8, "echo", "{\"message\":\"p\",\"progressSteps\":3}", meta: "{\"progressToken\":\"tok\"}"),
                headers: [("Mcp-Session-Id", id)]))
        #expect(response.headers["Content-Type"] == "text/event-stream")
        let events = await response.collect().events
        #expect(events.count == 6)
        #expect(events[0].data.isEmpty && events[0].id != nil)
        let progress = events[1...3].compactMap { try? JSONValue.parse($0.data) }
        #expect(progress.map { $0["params"]?["progress"] } == [1, 2, 3])
        #expect(progress.allSatisfy { $0["params"]?["progressToken"] == "tok" })
        let log = try JSONValue.parse(events[4].data)
        #expect(log["method"] == "notifications/message" && log["params"]?["level"] == "info")
        let final = try JSONValue.parse(events[5].data)
        #expect(final["id"] == 8 && final["result"]?["structuredContent"] == ["message": "p"])
        let ids = events.compactMap(\.id)
        #expect(Set(ids).count == ids.count)
        // Resume after the second progress event: the third and the result come again, nothing else.
        let replay = await endpoint.handle(
            H.request(
                .get, "/mcp",
                headers: [("Mcp-Session-Id", id), ("Accept", "text/event-stream"), ("Last-Event-ID", events[2].id!)],
                replacing: true))
        let replayed = await replay.collect().events
        #expect(replayed.map(\.id) == [events[3].id, events[4].id, events[5].id])
    }

    @Test(
        "elicitation round trip: the question goes out on the call's stream, the POSTed answer (202) decides the result",
        arguments: [("accept", true), ("decline", false)])
    func elicitation(action: String, confirmed: Bool) async throws {
        let endpoint = try H.endpoint()
        let id = try #require(await H.open(endpoint, elicitation: true))
        let response = await endpoint.handle(
            H.request(
                .post, "/mcp", body: Self.call(2, "echo", "{\"message\":\"m\",\"confirm\":true}"),
                headers: [("Mcp-Session-Id", id)]))
        let stream = CollectingStream()
        guard case .stream(let body) = response.body else {
            Issue.record("not a stream")
            return
        }
        async let pumped: Void = body(stream)
        var question: JSONValue?
        _ = await eventually {
            question = stream.events.compactMap { try? JSONValue.parse($0.data) }.first {
                $0["method"] == "elicitation/create"
            }
            return question != nil
        }
        let request = try #require(question)
        #expect(request["params"]?["requestedSchema"]?["properties"]?["confirm"]?["type"] == "boolean")
        let answerID = try #require(request["id"])
        let content = action == "accept" ? ",\"content\":{\"confirm\":true}" : ""
        let answer = await endpoint.handle(
            H.request(
                .post, "/mcp",
                body:
                    "{\"jsonrpc\":\"2.0\",\"id\":\(answerID.jsonText),\"result\":{\"action\":\"\(action)\"\(content)}}",
                headers: [("Mcp-Session-Id", id)]))
        #expect(answer.status.code == 202)
        await pumped
        let final = try #require(stream.events.last.flatMap { try? JSONValue.parse($0.data) })
        #expect(final["result"]?["structuredContent"]?["confirmed"] == .bool(confirmed))
    }

    @Test(
        "without a form elicitation capability the tool is told it is unsupported and reports isError",
        arguments: [("{}", "elicitation capability"), ("{\"elicitation\":{\"url\":{}}}", "URL-mode")])
    func elicitationUnsupported(capabilities: String, reason: String) async throws {
        let endpoint = try H.endpoint()
        let id = try #require(await H.open(endpoint, capabilities: capabilities))
        let response = await endpoint.handle(
            H.request(
                .post, "/mcp", body: Self.call(2, "echo", "{\"message\":\"m\",\"confirm\":true}"),
                headers: [("Mcp-Session-Id", id)]))
        let final = try #require(await response.collect().events.last.flatMap { try? JSONValue.parse($0.data) })
        #expect(final["result"]?["isError"] == true)
        #expect(final["result"]?["content"]?[0]?["text"]?.stringValue?.contains(reason) == true)
    }

    @Test("notifications/cancelled stops the call in flight; status counts it")
    func cancellation() async throws {
        let endpoint = try H.endpoint()
        let id = try #require(await H.open(endpoint))
        let session = [("Mcp-Session-Id", id)]
        async let slow = endpoint.handle(
            H.request(
                .post, "/mcp", body: Self.call(11, "echo", "{\"message\":\"slow\",\"delayMs\":30000}"), headers: session
            ))
        // Cancel once the call is in flight (a cancel for an unknown request is ignored).
        _ = await eventually { endpoint.sessions.withLock { $0[id]?.session.inFlight.contains(.number(11)) } ?? false }
        let cancel = await endpoint.handle(
            H.request(
                .post, "/mcp",
                body: "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":11}}",
                headers: session))
        #expect(cancel.status.code == 202)
        let answer = await slow
        #expect(H.bodyJSON(answer)?["error"]?["code"] == -32800)
        let status = await endpoint.handle(
            H.request(.post, "/mcp", body: Self.call(12, "status", "{}"), headers: session))
        #expect(H.bodyJSON(status)?["result"]?["structuredContent"]?["cancelledCalls"] == 1)
    }

    @Test(
        "legacy SSE: the endpoint event comes first with a relative URL; POSTs get 202 and answers arrive on the stream"
    )
    func legacySSE() async throws {
        let endpoint = try H.endpoint()
        let open = await endpoint.handle(
            H.request(.get, "/sse", headers: [("Accept", "text/event-stream")], replacing: true))
        #expect(open.headers["Content-Type"] == "text/event-stream")
        let stream = CollectingStream()
        guard case .stream(let body) = open.body else {
            Issue.record("not a stream")
            return
        }
        let pump = Task { await body(stream) }
        var endpointURL: String?
        _ = await eventually {
            endpointURL = stream.events.first { $0.event == "endpoint" }?.data
            return endpointURL != nil
        }
        let url = try #require(endpointURL)
        #expect(url.hasPrefix("/messages?sessionId="))
        let accepted = await endpoint.handle(H.request(.post, url, body: H.initializeBody("2024-11-05", id: 1)))
        #expect(accepted.status.code == 202)
        _ = await endpoint.handle(
            H.request(.post, url, body: "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"))
        _ = await endpoint.handle(H.request(.post, url, body: Self.call(2, "echo", "{\"message\":\"legacy\"}")))
        let bad = await endpoint.handle(H.request(.post, url, body: "{oops"))
        #expect(bad.status.code == 400)
        var messages: [JSONValue] = []
        // Answers come in any order (each POST runs on its own); wait for both by id.
        _ = await eventually {
            messages = stream.events.filter { $0.event == "message" }.compactMap { try? JSONValue.parse($0.data) }
            return messages.contains { $0["id"] == 1 } && messages.contains { $0["id"] == 2 }
        }
        let initialized = messages.first { $0["id"] == 1 }
        let echoed = messages.first { $0["id"] == 2 }
        #expect(initialized?["result"]?["protocolVersion"] == "2024-11-05")
        // 2024-11-05 has no structured content: text only.
        #expect(echoed?["result"]?["content"]?[0]?["text"] == "{\"message\":\"legacy\"}")
        #expect(echoed?["result"]?["structuredContent"] == nil)
        #expect(echoed?["result"] != nil)
        // Heartbeats keep the idle stream open.
        _ = await eventually { stream.text.contains(": heartbeat") }
        #expect(stream.text.contains(": heartbeat"))
        stream.finish()
        await pump.value
        #expect(await endpoint.handle(H.request(.post, url, body: Self.call(3, "status", "{}"))).status.code == 404)
    }

    @Test("one GET stream per session: a second one is 409; once the first closes a new one opens")
    func oneGetStream() async throws {
        let endpoint = try H.endpoint()
        let id = try #require(await H.open(endpoint))
        let headers = [("Mcp-Session-Id", id), ("Accept", "text/event-stream")]
        let first = await endpoint.handle(H.request(.get, "/mcp", headers: headers, replacing: true))
        #expect(first.status.code == 200)
        let stream = CollectingStream()
        guard case .stream(let body) = first.body else {
            Issue.record("not a stream")
            return
        }
        let pump = Task { await body(stream) }
        var second = await endpoint.handle(H.request(.get, "/mcp", headers: headers, replacing: true))
        let deadline = Date().addingTimeInterval(TestSupport.hangTimeout)
        while second.status.code == 200 && Date() < deadline {
            try await Task.sleep(for: .milliseconds(10))
            second = await endpoint.handle(H.request(.get, "/mcp", headers: headers, replacing: true))
        }
        #expect(second.status.code == 409)
        stream.finish()
        await pump.value
        let third = await endpoint.handle(H.request(.get, "/mcp", headers: headers, replacing: true))
        #expect(third.status.code == 200)
    }

    @Test("initialize is refused with 503 when the session cannot be saved, and no session id is handed out")
    func storeDown() async throws {
        let lines = Mutex<[String]>([])
        let logger = Logger(label: "mcp", level: .info, sink: LogSink { line in lines.withLock { $0.append(line) } })
        let tools = try ToolCatalog([BuiltinTools.echo])
        let endpoint = MCPEndpoint(
            configuration: .init(server: H.server, tools: tools, store: RefusingStore(), logger: logger))
        let response = await endpoint.handle(H.request(.post, "/mcp", body: H.initializeBody("2025-11-25")))
        #expect(response.status.code == 503)
        #expect(response.headers["Mcp-Session-Id"] == nil)
        #expect(H.bodyJSON(response)?["error"]?["code"] == -32603)
        #expect(endpoint.liveSessionCount == 0)
        let logged = lines.withLock { $0 }
        #expect(logged.count == 1)
        #expect(logged.first?.contains("could not be saved") == true)
    }

    @Test("past maxLiveSessions idle sessions leave memory but still answer, reloaded from the store")
    func memoryBound() async throws {
        let endpoint = try H.endpoint(maxLiveSessions: 2)
        var ids: [String] = []
        for _ in 0..<5 { ids.append(try #require(await H.open(endpoint))) }
        #expect(endpoint.liveSessionCount <= 2)
        for id in ids {
            let ping = await endpoint.handle(
                H.request(
                    .post, "/mcp", body: "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}",
                    headers: [("Mcp-Session-Id", id)]))
            #expect(ping.status.code == 200)
        }
        #expect(endpoint.liveSessionCount <= 2)
    }

    @Test("status carries the extra facts its hook adds (where Schwab token status will go), within its output schema")
    func statusExtras() async throws {
        let status = BuiltinTools.status(server: H.server) { context in
            [("token", "valid"), ("transportSeen", .string(context.session.transport))]
        }
        let endpoint = MCPEndpoint(
            configuration: .init(server: H.server, tools: try ToolCatalog([status]), store: InMemorySessionStore()))
        let id = try #require(await H.open(endpoint))
        let response = await endpoint.handle(
            H.request(.post, "/mcp", body: Self.call(1, "status", "{}"), headers: [("Mcp-Session-Id", id)]))
        let result = try #require(H.bodyJSON(response)?["result"])
        #expect(result["isError"] == nil)
        #expect(result["structuredContent"]?["extra"] == ["token": "valid", "transportSeen": "streamable-http"])
    }
}
