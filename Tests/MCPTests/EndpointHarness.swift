import EdgeCore
import EdgeHTTP
import Foundation
import Synchronization

@testable import MCP

/// Builds endpoints with the built-in tools over a given store, and requests for them.
enum EndpointHarness {
    static let server = MCPServerInfo(
        name: "schwab-mcp-test", title: "Test server", version: "0.1.0", instructions: "Try echo.")

    static func endpoint(
        store: any MCPSessionStore = InMemorySessionStore(), maxLiveSessions: Int = 1000,
        user: @escaping @Sendable (HTTPRequest) -> String = { _ in "u1" }
    ) throws -> MCPEndpoint {
        let tools = try ToolCatalog([BuiltinTools.status(server: server), BuiltinTools.echo])
        return MCPEndpoint(
            configuration: .init(
                server: server, tools: tools, store: store, allowedHosts: ["127.0.0.1", "localhost"],
                allowedOrigins: ["https://mcp.example.com"], heartbeatInterval: .milliseconds(200), replayCapacity: 16,
                user: user, maxLiveSessions: maxLiveSessions))
    }

    static let baseHeaders: [(String, String)] = [
        ("Host", "127.0.0.1:8080"), ("Content-Type", "application/json"),
        ("Accept", "application/json, text/event-stream"),
    ]

    static func request(
        _ method: HTTPMethod, _ target: String, body: String = "", headers: [(String, String)] = [],
        replacing: Bool = false
    ) -> HTTPRequest {
        var all = HTTPHeaders(baseHeaders)
        for (name, value) in headers {
            if replacing || all.contains(name) { all.set(name, value) } else { all.add(name, value) }
        }
        return HTTPRequest(head: HTTPRequestHead(method: method, target: target, headers: all), body: Array(body.utf8))
    }

    static func initializeBody(
        _ version: String, id: Int = 0, elicitation: Bool = false, capabilities: String? = nil
    )
        -> String
    {
        let caps = capabilities ?? (elicitation ? "{\"elicitation\":{}}" : "{}")
        return
            "{\"jsonrpc\":\"2.0\",\"id\":\(id),\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"\(version)\","
            + "\"capabilities\":\(caps),\"clientInfo\":{\"name\":\"harness\",\"version\":\"1\"}}}"
    }

    /// Initializes a Streamable HTTP session and sends `notifications/initialized`; returns its id.
    static func open(
        _ endpoint: MCPEndpoint, version: String = "2025-11-25", elicitation: Bool = false, capabilities: String? = nil
    ) async -> String? {
        let body = initializeBody(version, elicitation: elicitation, capabilities: capabilities)
        let response = await endpoint.handle(request(.post, "/mcp", body: body))
        guard response.status.code == 200, let id = response.headers["Mcp-Session-Id"] else { return nil }
        let done = await endpoint.handle(
            request(
                .post, "/mcp", body: "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
                headers: [("Mcp-Session-Id", id), ("MCP-Protocol-Version", version)]))
        return done.status.code == 202 ? id : nil
    }

    static func bodyJSON(_ response: HTTPResponse) -> JSONValue? {
        guard case .bytes(let bytes) = response.body else { return nil }
        return try? JSONValue.parse(bytes)
    }
}

/// A response stream that keeps what is written, for reading SSE bodies without a socket.
/// Thread-safe behind a `Mutex`; `finish()` plays the client going away.
final class CollectingStream: ResponseStream {
    private let state = Mutex<(bytes: [UInt8], closed: Bool)>(([], false))

    func write(_ bytes: [UInt8]) async -> Bool {
        state.withLock { s in
            if !s.closed { s.bytes += bytes }
            return !s.closed
        }
    }

    var isClosed: Bool { state.withLock { $0.closed } }
    func waitUntilClosed() async {
        while !isClosed { try? await Task.sleep(for: .milliseconds(10)) }
    }
    func finish() { state.withLock { $0.closed = true } }
    var text: String { String(decoding: state.withLock { $0.bytes }, as: UTF8.self) }

    /// The events written so far as (id, event, data), comments skipped.
    var events: [(id: String?, event: String?, data: String)] {
        text.components(separatedBy: "\n\n").compactMap { block in
            var id: String?
            var event: String?
            var data: [String] = []
            for line in block.split(separator: "\n", omittingEmptySubsequences: true) where !line.hasPrefix(":") {
                if line.hasPrefix("id: ") { id = String(line.dropFirst(4)) }
                if line.hasPrefix("event: ") { event = String(line.dropFirst(7)) }
                if line.hasPrefix("data: ") { data.append(String(line.dropFirst(6))) }
            }
            if id == nil && event == nil && data.isEmpty { return nil }
            return (id, event, data.joined(separator: "\n"))
        }
    }
}

extension HTTPResponse {
    /// Runs a streamed body into a collecting stream until it ends by itself.
    func collect() async -> CollectingStream {
        let stream = CollectingStream()
        if case .stream(let body) = body { await body(stream) }
        return stream
    }
}

/// A session store whose writes fail, as a KV service that is down would.
struct RefusingStore: MCPSessionStore {
    struct Down: Error {}
    func get(_ key: String) async throws -> [UInt8]? { nil }
    func put(_ key: String, _ value: [UInt8]) async throws { throw Down() }
    func delete(_ key: String) async throws { throw Down() }
}
