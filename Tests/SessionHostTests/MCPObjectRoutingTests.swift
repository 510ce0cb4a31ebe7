import EdgeHTTP
import MCP
import Testing

@testable import SessionHost

/// Which requests `MyMCP` moves out of its mailbox, and which `Host`/`Origin` values it accepts:
/// pure decisions, checked without processes.
@Suite struct MCPObjectRoutingTests {
    static func tools() throws -> ToolCatalog { try ToolCatalog([BuiltinTools.echo]) }

    static func request(
        _ body: String, method: HTTPMethod = .post, target: String = "/mcp", session: Bool = true
    )
        -> HTTPRequest
    {
        var headers: HTTPHeaders = ["Content-Type": "application/json"]
        if session { headers.set("Mcp-Session-Id", "s") }
        return HTTPRequest(
            head: HTTPRequestHead(method: method, target: target, headers: headers), body: Array(body.utf8))
    }

    static let call = #"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"echo","arguments":"#

    @Test(arguments: [
        (call + #"{"message":"a","delayMs":500}}}"#, true),
        (call + #"{"message":"a"}}}"#, true),
        (call + #"{"message":"a","progressSteps":2}}}"#, false),
        (call + #"{"message":"a","confirm":true}}}"#, false),
        (
            #"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"echo","_meta":{"progressToken":1}}}"#,
            false
        ),
        (#"{"jsonrpc":"2.0","id":3,"method":"ping"}"#, false),
        (#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":3}}"#, false),
        (#"[{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"echo"}}]"#, false),
        (#"{"jsonrpc":"2.0","id":3,"method":"tools/call""#, false),
    ])
    func onlyAJSONToolCallLeavesTheMailbox(body: String, leaves: Bool) throws {
        #expect((MCPObject.jsonToolCall(Self.request(body), tools: try Self.tools()) != nil) == leaves, "\(body)")
    }

    @Test func aToolCallWithoutASessionOrOffMCPStaysInTheMailbox() throws {
        let body = Self.call + #"{"message":"a"}}}"#
        #expect(MCPObject.jsonToolCall(Self.request(body, session: false), tools: try Self.tools()) == nil)
        #expect(
            MCPObject.jsonToolCall(Self.request(body, target: "/messages?sessionId=s"), tools: try Self.tools()) == nil)
        #expect(MCPObject.jsonToolCall(Self.request(body, method: .get), tools: try Self.tools()) == nil)
    }

    @Test func thePingProbeKeepsTheHeadersAndTheID() throws {
        let original = Self.request(Self.call + #"{"message":"a"}}}"#)
        let probe = MCPObject.ping(like: original, id: .number(3))
        #expect(probe.headers["Mcp-Session-Id"] == "s")
        guard case .single(.request(let id, let method, _)) = try JSONRPCMessage.decodeBody(probe.body) else {
            Issue.record("not a single request")
            return
        }
        #expect(id == .number(3) && method == "ping")
    }

    @Test(arguments: [
        ("https://mcp.example.com", ["mcp.example.com"], ["https://mcp.example.com"]),
        ("http://127.0.0.1:8787/", ["127.0.0.1:8787"], ["http://127.0.0.1:8787"]),
        ("https://mcp.example.com:8443/base?x=1", ["mcp.example.com:8443"], ["https://mcp.example.com:8443"]),
        ("not a url", [], []),
    ])
    func thePublicURLAndLoopbackAreAllowed(url: String, hosts: [String], origins: [String]) {
        let settings = MCPObjectSettings(publicURL: url)
        #expect(settings.allowedHosts == ["127.0.0.1", "localhost", "[::1]"] + hosts)
        #expect(settings.allowedOrigins == origins)
        #expect(settings.server.name == "schwab-mcp")
    }
}
