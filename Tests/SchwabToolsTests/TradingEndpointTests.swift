import EdgeCore
import EdgeHTTP
import Foundation
import MCP
import Synchronization
import TestSupport
import Testing

@testable import SchwabTools

/// The order tools behind the real MCP endpoint (the toolbox's listing, the call's SSE stream, the
/// client's POSTed elicitation answer), over the real sandbox and KV service.
@Suite("Trading through the MCP endpoint", .realWorld, .serialized)
struct TradingEndpointTests {
    static let server = MCPServerInfo(name: "schwab-mcp-test", version: "0.1.0")

    static func endpoint(_ world: TradingWorld) throws -> MCPEndpoint {
        let tools = try ToolCatalog(SchwabToolbox.tools(world.env, server: server))
        return MCPEndpoint(configuration: .init(server: server, tools: tools, store: InMemorySessionStore()))
    }

    static func request(_ body: String, session: String? = nil) -> HTTPRequest {
        var headers = HTTPHeaders([
            ("Host", "127.0.0.1:8080"), ("Content-Type", "application/json"),
            ("Accept", "application/json, text/event-stream"),
        ])
        if let session {
            headers.add("Mcp-Session-Id", session)
            headers.add("MCP-Protocol-Version", "2025-11-25")
        }
        return HTTPRequest(
            head: HTTPRequestHead(method: .post, target: "/mcp", headers: headers), body: Array(body.utf8))
    }

    static func open(_ endpoint: MCPEndpoint, capabilities: String) async throws -> String {
        let initialize = await endpoint.handle(
            request(
                "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\","
                    + "\"capabilities\":\(capabilities),\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}"))
        let id = try #require(initialize.headers["Mcp-Session-Id"])
        _ = await endpoint.handle(
            request("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", session: id))
        return id
    }

    static func json(_ response: HTTPResponse) -> JSONValue? {
        guard case .bytes(let bytes) = response.body else { return nil }
        return try? JSONValue.parse(bytes)
    }

    @Test("trading off lists no order tool; on lists the four, order tools marked destructive")
    func listing() async throws {
        let off = try await TradingWorld(settings: .disabled)
        let offNames = try Self.endpoint(off).configuration.tools.tools.map(\.name)
        #expect(offNames.contains("getQuotes"))
        #expect(!offNames.contains { ["previewOrder", "placeOrder", "replaceOrder", "cancelOrder"].contains($0) })
        let on = try await TradingWorld()
        let endpoint = try Self.endpoint(on)
        let id = try await Self.open(endpoint, capabilities: "{}")
        let list = await endpoint.handle(
            Self.request("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}", session: id))
        let tools = Self.json(list)?["result"]?["tools"]?.arrayValue ?? []
        for name in ["previewOrder", "placeOrder", "replaceOrder", "cancelOrder"] {
            let tool = try #require(tools.first { $0["name"]?.stringValue == name })
            let destructive = tool["annotations"]?["destructiveHint"]?.boolValue
            #expect(destructive == (name != "previewOrder"), "\(name)")
        }
        let place = try #require(tools.first { $0["name"]?.stringValue == "placeOrder" })
        let orderTypes = place["inputSchema"]?["properties"]?["orderType"]?["enum"]?.arrayValue ?? []
        #expect(orderTypes.contains("NET_DEBIT") && orderTypes.contains("STOP_LIMIT"))
    }

    @Test("the endpoint's refusal of invalid input does not echo an account number or hash back")
    func refusalsAreScrubbed() async throws {
        let world = try await TradingWorld(settings: .disabled)
        let endpoint = try Self.endpoint(world)
        let id = try await Self.open(endpoint, capabilities: "{}")
        for (index, secret) in world.secrets.enumerated() {
            // orderId wants an integer (or its digits): the refusal quotes the array it received.
            let call = JSONValue.object([
                ("jsonrpc", "2.0"), ("id", .int(100 + index)), ("method", "tools/call"),
                ("params", .object([("name", "getOrder"), ("arguments", ["orderId": [.string(secret)]])])),
            ])
            let response = await endpoint.handle(Self.request(call.jsonText, session: id))
            let result = try #require(Self.json(response)?["result"])
            #expect(result["isError"]?.boolValue == true)
            let text = result.jsonText
            #expect(text.contains("orderId"), "the refusal names the field: \(text)")
            #expect(world.leaks(text).isEmpty, "refusal leaked: \(text)")
        }
    }

    @Test("placeOrder asks on its SSE stream; the client's accept places exactly that order")
    func elicitationThroughEndpoint() async throws {
        let world = try await TradingWorld()
        let endpoint = try Self.endpoint(world)
        let id = try await Self.open(endpoint, capabilities: "{\"elicitation\":{}}")
        let arguments = TradingWorld.order(world, quantity: 2, price: 95)
        let call = JSONValue.object([
            ("jsonrpc", "2.0"), ("id", 7), ("method", "tools/call"),
            ("params", .object([("name", "placeOrder"), ("arguments", arguments)])),
        ])
        let response = await endpoint.handle(Self.request(call.jsonText, session: id))
        guard case .stream(let body) = response.body else {
            Issue.record("placeOrder was not answered as a stream")
            return
        }
        let stream = TradingStream()
        async let pumped: Void = body(stream)
        let asked = await eventually { stream.message(method: "elicitation/create") != nil }
        let question = try #require(asked ? stream.message(method: "elicitation/create") : nil)
        let text = question["params"]?["message"]?.stringValue ?? ""
        #expect(text.contains("BUY 2 MSFT (EQUITY)"))
        #expect(text.contains("Estimated cost: $190.00"))
        #expect(world.leaks(text).isEmpty)
        let answer = JSONValue.object([
            ("jsonrpc", "2.0"), ("id", question["id"] ?? .null),
            ("result", ["action": "accept", "content": ["confirm": true]]),
        ])
        let accepted = await endpoint.handle(Self.request(answer.jsonText, session: id))
        #expect(accepted.status.code == 202)
        await pumped
        let final = try #require(stream.message(id: 7))
        let orderId = try #require(final["result"]?["structuredContent"]?["orderId"]?.stringValue)
        let placed = try await world.orderAtSandbox(orderId)
        #expect(placed["price"]?.doubleValue == 95)
        #expect(placed["orderLegCollection"]?[0]?["quantity"]?.doubleValue == 2)
        #expect(world.leaks(stream.text).isEmpty)
    }
}

/// A response stream that keeps what the endpoint writes (SSE text), thread-safe behind a Mutex.
final class TradingStream: ResponseStream {
    private let bytes = Mutex<[UInt8]>([])

    func write(_ more: [UInt8]) async -> Bool {
        bytes.withLock { $0 += more }
        return true
    }
    var isClosed: Bool { false }
    func waitUntilClosed() async {}

    var text: String { String(decoding: bytes.withLock { $0 }, as: UTF8.self) }

    /// The JSON-RPC messages in the `data:` lines so far.
    var messages: [JSONValue] {
        text.split(separator: "\n").compactMap { line in
            line.hasPrefix("data: ") ? try? JSONValue.parse(String(line.dropFirst(6))) : nil
        }
    }

    func message(method: String) -> JSONValue? { messages.first { $0["method"]?.stringValue == method } }
    func message(id: Int) -> JSONValue? { messages.first { $0["id"]?.intValue == id && $0["result"] != nil } }
}
