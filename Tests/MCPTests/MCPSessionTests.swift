import EdgeCore
import Testing

@testable import MCP

@Suite("MCP session state machine")
struct MCPSessionTests {
    static let server = MCPServerInfo(name: "srv", title: "Server", version: "1.2", instructions: "be nice")

    static func initialize(_ version: String, capabilities: JSONValue = [:]) -> JSONRPCMessage {
        .request(
            id: .number(0), method: "initialize",
            params: ["protocolVersion": .string(version), "capabilities": capabilities, "clientInfo": ["name": "t"]])
    }

    @Test(
        "initialize, initialized, ready; the result names the server and the negotiated version",
        arguments: MCPProtocolVersion.supported)
    func lifecycle(version: MCPProtocolVersion) {
        var session = MCPSession(id: "s", user: "u", transport: "streamable-http")
        guard
            case .reply(.result(_, let result)) = session.receive(
                Self.initialize(version.rawValue), server: Self.server)
        else {
            Issue.record("no result")
            return
        }
        #expect(result["protocolVersion"] == .string(version.rawValue))
        #expect(result["serverInfo"]?["name"] == "srv")
        #expect(result["serverInfo"]?["title"] == (version.hasStructuredContent ? "Server" : nil))
        #expect(result["instructions"] == "be nice")
        #expect(result["capabilities"]?["tools"] != nil)
        #expect(session.state == .initializing)
        _ = session.receive(.notification(method: "notifications/initialized", params: nil), server: Self.server)
        #expect(session.state == .ready)
        #expect(session.version == version)
    }

    @Test(
        "requests before initialize, a second initialize, unknown methods and bad params get errors",
        arguments: [
            (false, JSONRPCMessage.request(id: .number(1), method: "tools/list", params: nil), -32600),
            (true, .request(id: .number(1), method: "initialize", params: ["protocolVersion": "2025-06-18"]), -32600),
            (true, .request(id: .number(1), method: "server/discover", params: nil), -32601),
            (true, .request(id: .number(1), method: "resources/list", params: nil), -32601),
            (true, .request(id: .number(1), method: "tools/call", params: ["arguments": [:]]), -32602),
            (true, .request(id: .number(1), method: "tools/call", params: ["name": "x", "arguments": 4]), -32602),
            (true, .request(id: .number(1), method: "logging/setLevel", params: ["level": "loud"]), -32602),
            (false, .request(id: .number(1), method: "initialize", params: [:]), -32602),
        ])
    func errors(initialized: Bool, message: JSONRPCMessage, code: Int) {
        var session = MCPSession(id: "s", user: "u", transport: "sse")
        if initialized { _ = session.receive(Self.initialize("2025-06-18"), server: Self.server) }
        guard case .reply(.error(let id, let error)) = session.receive(message, server: Self.server) else {
            Issue.record("no error for \(message)")
            return
        }
        #expect(error.code == code)
        #expect(id == .number(1))
    }

    @Test("ping works before initialize; setLevel is kept and persisted")
    func pingAndLevel() throws {
        var session = MCPSession(id: "s", user: "u", transport: "streamable-http")
        #expect(
            session.receive(.request(id: .string("p"), method: "ping", params: nil), server: Self.server)
                == .reply(.result(id: .string("p"), result: [:])))
        _ = session.receive(Self.initialize("2025-11-25"), server: Self.server)
        let before = session.revision
        _ = session.receive(
            .request(id: .number(2), method: "logging/setLevel", params: ["level": "warning"]), server: Self.server)
        #expect(session.logLevel == .warning)
        #expect(session.revision > before)
        let restored = try #require(MCPSession(record: session.record))
        #expect(restored.logLevel == .warning && restored.version == .v2025_11_25 && restored.user == "u")
    }

    @Test("a call in flight can be cancelled once; a finished one cannot")
    func cancellation() {
        var session = MCPSession(id: "s", user: "u", transport: "streamable-http")
        _ = session.receive(Self.initialize("2025-06-18"), server: Self.server)
        let call = JSONRPCMessage.request(id: .number(7), method: "tools/call", params: ["name": "echo"])
        #expect(
            session.receive(call, server: Self.server)
                == .callTool(id: .number(7), name: "echo", arguments: nil, progressToken: nil))
        let cancel = JSONRPCMessage.notification(method: "notifications/cancelled", params: ["requestId": 7])
        #expect(session.receive(cancel, server: Self.server) == .cancel(.number(7)))
        session.finish(.number(7))
        #expect(session.receive(cancel, server: Self.server) == MCPSession.Action.none)
    }

    @Test("server requests are matched to the client's answers by id, once")
    func outgoing() {
        var session = MCPSession(id: "s", user: "u", transport: "streamable-http")
        let id = session.beginOutgoing(method: "elicitation/create")
        #expect(
            session.receive(.result(id: id, result: ["action": "decline"]), server: Self.server)
                == .deliver(id, .success(["action": "decline"])))
        #expect(session.receive(.result(id: id, result: [:]), server: Self.server) == MCPSession.Action.none)
    }

    @Test(
        "damaged records are refused",
        arguments: [
            JSONValue.null, ["id": "x"],
            ["id": "x", "user": "u", "transport": "t", "state": "ready", "version": "1999-01-01", "logLevel": "info"],
        ])
    func damaged(record: JSONValue) {
        #expect(MCPSession(record: record) == nil)
    }
}
