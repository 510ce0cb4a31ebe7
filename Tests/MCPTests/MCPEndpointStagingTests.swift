import EdgeCore
import EdgeHTTP
import Testing

@testable import MCP

/// `MCPEndpoint.stage`: which requests leave only their tool run for later, and that every check
/// still answers at once, in the staging call.
@Suite struct MCPEndpointStagingTests {
    static let call = #"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"echo","arguments":"#

    static func stage(
        _ body: String, session: String?, version: String = "2025-11-25", target: String = "/mcp"
    )
        async throws -> (MCPEndpoint, MCPEndpoint.Staged)
    {
        let endpoint = try EndpointHarness.endpoint()
        let id = try #require(await EndpointHarness.open(endpoint))
        var headers = [("MCP-Protocol-Version", version)]
        if let session { headers.append(("Mcp-Session-Id", session == "live" ? id : session)) }
        let staged = await endpoint.stage(EndpointHarness.request(.post, target, body: body, headers: headers))
        return (endpoint, staged)
    }

    @Test(arguments: [
        (call + #"{"message":"a","delayMs":50}}}"#, true),
        (call + #"{"message":"a"}}}"#, true),
        (call + #"{"message":"a","progressSteps":2}}}"#, false),
        (call + #"{"message":"a","confirm":true}}}"#, false),
        (
            #"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"echo","_meta":{"progressToken":1}}}"#,
            false
        ),
        (#"{"jsonrpc":"2.0","id":3,"method":"ping"}"#, false),
        (#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":3}}"#, false),
        (#"{"jsonrpc":"2.0","id":3,"method":"tools/call""#, false),
    ])
    func onlyAJSONToolCallLeavesItsRunForLater(body: String, later: Bool) async throws {
        let (_, staged) = try await Self.stage(body, session: "live")
        if case .later = staged { #expect(later, "\(body)") } else { #expect(!later, "\(body)") }
    }

    @Test func theLaterPartAnswersTheCall() async throws {
        let (_, staged) = try await Self.stage(Self.call + #"{"message":"hello"}}}"#, session: "live")
        guard case .later(let answer) = staged else {
            Issue.record("a JSON tools/call was answered at once")
            return
        }
        let response = await answer()
        #expect(response.status == .ok)
        let json = try #require(EndpointHarness.bodyJSON(response))
        #expect(json["id"] == .int(3))
        #expect(json["result"]?["structuredContent"]?["message"] == .string("hello"))
    }

    /// A bad session, protocol version, path or body is refused in the staging call itself, so a
    /// mailbox that stages in order judges it in order.
    @Test(
        arguments: [
            ("unknown-session", "2025-11-25", "/mcp", 404),
            ("live", "1999-01-01", "/mcp", 400),
            (nil, "2025-11-25", "/mcp", 400),
            ("live", "2025-11-25", "/nowhere", 404),
        ] as [(String?, String, String, Int)])
    func refusalsAreAnsweredAtOnce(session: String?, version: String, target: String, status: Int) async throws {
        let (_, staged) = try await Self.stage(
            Self.call + #"{"message":"a"}}}"#, session: session, version: version, target: target)
        guard case .now(let response) = staged else {
            Issue.record("a refused tools/call was left for later")
            return
        }
        #expect(response.status.code == status)
    }
}
