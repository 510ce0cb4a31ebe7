import EdgeRuntime
import Foundation
import TestSupport
import Testing

/// The MCP endpoint through the whole runtime: curl or Python -> router (`--auth none`, object
/// `local`) -> session host -> `MyMCP`, with session records in the object's storage in kv.
@Suite(.serialized, .realWorld) struct MCPThroughRouterTests {
    static let accept = ["-H", "Content-Type: application/json", "-H", "Accept: application/json, text/event-stream"]

    /// POSTs a JSON-RPC body to `/mcp`, with the session header when `session` is given; `-i`
    /// so the answer's headers are in the body.
    static func post(_ world: RuntimeWorld, _ body: String, session: String? = nil) async throws -> HTTP.Answer {
        let header = session.map { ["-H", "Mcp-Session-Id: \($0)"] } ?? []
        return try await HTTP.curl(["-i", "-X", "POST"] + accept + header + ["--data", body, world.url + "/mcp"])
    }

    /// Initializes a session (declaring elicitation) and returns its id.
    static func initialize(_ world: RuntimeWorld) async throws -> String {
        let answer = try await post(
            world,
            #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","#
                + #""capabilities":{"elicitation":{}},"clientInfo":{"name":"router-test","version":"1"}}}"#)
        let line = answer.body.split(whereSeparator: \.isNewline).first { $0.lowercased().hasPrefix("mcp-session-id:") }
        guard let line, let id = line.split(separator: ":").last?.trimmingCharacters(in: .whitespaces) else {
            throw WorldError(message: "initialize gave no session id: \(answer.body)\n\(world.logs)")
        }
        let done = try await post(world, #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#, session: id)
        guard done.status == 202 else { throw WorldError(message: "initialized: \(done.status) \(done.body)") }
        return id
    }

    static func echo(_ id: Int, _ arguments: String) -> String {
        #"{"jsonrpc":"2.0","id":\#(id),"method":"tools/call","params":{"name":"echo","arguments":\#(arguments)}}"#
    }

    /// The host waits for a JSON call's deferred answer and sends it with its length, so the
    /// client gets a plain JSON response (not chunks) and never the host's internal marker.
    @Test func aJSONToolCallAnswersWholeWithItsLength() async throws {
        let world = try await RuntimeWorld(hosts: [1, 2])
        defer { world.cleanUp() }
        let session = try await Self.initialize(world)
        let answer = try await Self.post(world, Self.echo(3, #"{"message":"whole"}"#), session: session)
        let head = answer.body.components(separatedBy: "\r\n\r\n").first?.lowercased() ?? ""
        #expect(answer.status == 200, "\(answer.body)\n\(world.logs)")
        #expect(head.contains("content-length:") && !head.contains("transfer-encoding"), "\(answer.body)")
        #expect(!head.contains("x-session-host-whole-body"), "\(answer.body)")
        #expect(answer.body.contains(#""message":"whole""#), "\(answer.body)")
        await world.stop()
    }

    @Test func aSlowJSONToolCallIsCancelledByANotificationThatReachesTheObjectWhileItRuns() async throws {
        let world = try await RuntimeWorld(hosts: [1, 2])
        defer { world.cleanUp() }
        let session = try await Self.initialize(world)
        // A minute of delay (the most echo allows): were the cancel queued behind the call, the
        // call would answer "slow". The cancel has that whole minute to arrive, however loaded
        // the machine is.
        let call = Task {
            try await Self.post(world, Self.echo(7, #"{"message":"slow","delayMs":60000}"#), session: session)
        }
        let cancel = #"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":7,"reason":"test"}}"#
        let statusCall = #"{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"status","arguments":{}}}"#
        // The call may not have reached the object yet: cancel until the session counts it.
        let deadline = Date().addingTimeInterval(TestSupport.hangTimeout)
        while Date() < deadline {
            let answer = try await Self.post(world, cancel, session: session)
            #expect(answer.status == 202, "\(answer.body)")
            let status = try await Self.post(world, statusCall, session: session)
            if reportedInt("cancelledCalls", status.body) == 1 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        let answer = try await call.value
        #expect(answer.status == 200, "\(answer.body)\n\(world.logs)")
        #expect(answer.body.contains(#""id":7"#) && answer.body.contains("-32800"), "\(answer.body)")
        #expect(!answer.body.contains(#""message":"slow""#), "the call ran to its end: \(answer.body)")
        let status = try await Self.post(world, statusCall, session: session)
        #expect(reportedInt("cancelledCalls", status.body) == 1, "\(status.body)")
        await world.stop()
    }

    @Test(arguments: [("accept", true, "sure"), ("decline", false, "")])
    func anElicitationIsAnsweredThroughTheRouterWhileItsCallWaits(
        action: String, confirmed: Bool, message: String
    )
        async throws
    {
        let world = try await RuntimeWorld(hosts: [1, 2])
        defer { world.cleanUp() }
        let session = try await Self.initialize(world)
        let output = try await python(Self.elicitationScript, [String(world.port), session, action])
        let expected = #"{"message":"\#(message)","confirmed":\#(confirmed)}"#
        #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == expected, "\(output)\n\(world.logs)")
        await world.stop()
    }

    /// Calls `echo` with `confirm`, reads the SSE answer until the elicitation request, answers it
    /// with a second POST, then prints the call's final result.
    static let elicitationScript = """
        import http.client, json, sys
        port, session, action = int(sys.argv[1]), sys.argv[2], sys.argv[3]
        headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream",
                   "Mcp-Session-Id": session}
        call = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        body = {"jsonrpc": "2.0", "id": 5, "method": "tools/call",
                "params": {"name": "echo", "arguments": {"message": "sure", "confirm": True}}}
        call.request("POST", "/mcp", json.dumps(body), headers)
        response = call.getresponse()
        assert response.status == 200, response.status
        while True:
            line = response.fp.readline().decode()
            if not line:
                sys.exit("the stream ended without a result")
            if not line.startswith("data:") or not line[5:].strip():
                continue
            message = json.loads(line[5:])
            if message.get("method") == "elicitation/create":
                answer = {"jsonrpc": "2.0", "id": message["id"],
                          "result": {"action": action, "content": {"confirm": True}} if action == "accept"
                          else {"action": action}}
                other = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                other.request("POST", "/mcp", json.dumps(answer), headers)
                reply = other.getresponse()
                reply.read()
                assert reply.status == 202, reply.status
            elif message.get("id") == 5:
                print(json.dumps(message["result"]["structuredContent"], separators=(",", ":")))
                break
        """

    @Test func aSessionCarriesOnAfterTheHostOwningItsObjectIsKilled() async throws {
        let world = try await RuntimeWorld(hosts: [1, 2])
        defer { world.cleanUp() }
        let session = try await Self.initialize(world)
        let first = try await Self.post(world, Self.echo(2, #"{"message":"one"}"#), session: session)
        #expect(first.body.contains(#""structuredContent":{"message":"one"}"#), "\(first.body)")
        let owner = try #require(Placement.owner(of: "local", among: [1, 2]))
        try await world.killHost(owner)
        // The router fails over within about a second; retry as a client would meanwhile.
        var next = HTTP.Answer(status: 0, body: "")
        let deadline = Date().addingTimeInterval(TestSupport.hangTimeout)
        while next.status != 200 && Date() < deadline {
            next = try await Self.post(world, Self.echo(3, #"{"message":"two"}"#), session: session)
            if next.status != 200 { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(next.status == 200, "\(next.status) \(next.body)\n\(world.logs)")
        #expect(
            next.body.contains(#""structuredContent":{"message":"two"}"#), "same session, no initialize: \(next.body)")
        await world.stop()
    }

    @Test func badRequestsGetClearErrorsAndTheSessionIsUnharmed() async throws {
        let world = try await RuntimeWorld(hosts: [1, 2])
        defer { world.cleanUp() }
        let session = try await Self.initialize(world)
        let malformed = try await Self.post(world, #"{"jsonrpc":"2.0","id":4,"method":"tools/call","#, session: session)
        #expect(malformed.status == 400 && malformed.body.contains("-32700"), "\(malformed.body)")
        let stranger = try await Self.post(world, Self.echo(5, #"{"message":"x"}"#), session: "no-such-session")
        #expect(stranger.status == 404 && stranger.body.contains("initialize"), "\(stranger.body)")
        let invalid = try await Self.post(world, Self.echo(6, #"{"message":12}"#), session: session)
        #expect(invalid.status == 200 && invalid.body.contains(#""isError":true"#), "\(invalid.body)")
        let fine = try await Self.post(world, Self.echo(7, #"{"message":"still here"}"#), session: session)
        #expect(fine.body.contains(#""structuredContent":{"message":"still here"}"#), "\(fine.body)")
        await world.stop()
    }
}
