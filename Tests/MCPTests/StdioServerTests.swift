import EdgeCore
import MCP
import Synchronization
import TestSupport
import Testing

/// The stdio transport in process: lines in through `receive`, lines out through a
/// `StdioOutput` that collects them.
@Suite("StdioServer: one session over newline-delimited JSON-RPC")
struct StdioServerTests {
    final class Lines: Sendable {
        let all = Mutex<[JSONValue]>([])
        var messages: [JSONValue] { all.withLock { $0 } }
        func answer(_ id: Int) -> JSONValue? { messages.first { $0["id"]?.intValue == id } }
    }

    static func make() throws -> (StdioServer, Lines) {
        let lines = Lines()
        let output = StdioOutput { bytes in
            #expect(bytes.last == UInt8(ascii: "\n"))
            #expect(!bytes.dropLast().contains(UInt8(ascii: "\n")))
            if let value = try? JSONValue.parse(Array(bytes.dropLast())) { lines.all.withLock { $0.append(value) } }
            return true
        }
        let info = MCPServerInfo(name: "t", version: "1")
        let server = StdioServer(
            configuration: .init(
                server: info, tools: try ToolCatalog([BuiltinTools.status(server: info), BuiltinTools.echo])),
            output: output)
        return (server, lines)
    }

    static func line(_ text: String) -> [UInt8] { Array(text.utf8) }

    static let initialize = line(
        #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{"elicitation":{}},"clientInfo":{"name":"t"}}}"#
    )

    @Test("requests before initialize: unknown methods -32601 (so 2026 clients fall back), known ones -32600")
    func beforeInitialize() async throws {
        let (server, lines) = try Self.make()
        await server.receive(Self.line(#"{"jsonrpc":"2.0","id":1,"method":"server/discover","params":{}}"#))
        await server.receive(Self.line(#"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#))
        #expect(lines.answer(1)?["error"]?["code"]?.intValue == -32601)
        #expect(lines.answer(2)?["error"]?["code"]?.intValue == -32600)
    }

    @Test("a cancellation for a call in flight ends it with -32800; the session keeps answering")
    func cancellation() async throws {
        let (server, lines) = try Self.make()
        await server.receive(Self.initialize)
        await server.receive(
            Self.line(
                #"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"echo","arguments":{"message":"x","delayMs":30000}}}"#
            ))
        #expect(await eventually { server.callsInFlight == 1 })
        await server.receive(
            Self.line(#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":7}}"#))
        #expect(await eventually { lines.answer(7) != nil })
        #expect(lines.answer(7)?["error"]?["code"]?.intValue == -32800)
        await server.receive(Self.line(#"{"jsonrpc":"2.0","id":8,"method":"ping"}"#))
        #expect(lines.answer(8)?["result"] != nil)
    }

    @Test("elicitation: the server's request goes out and the client's answer completes the call")
    func elicitation() async throws {
        let (server, lines) = try Self.make()
        await server.receive(Self.initialize)
        await server.receive(
            Self.line(
                #"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"echo","arguments":{"message":"ok?","confirm":true}}}"#
            ))
        #expect(await eventually { lines.messages.contains { $0["method"]?.stringValue == "elicitation/create" } })
        let question = try #require(lines.messages.first { $0["method"]?.stringValue == "elicitation/create" })
        let id = try #require(question["id"]?.stringValue)
        await server.receive(
            Self.line(
                #"{"jsonrpc":"2.0","id":"\#(id)","result":{"action":"decline"}}"#))
        #expect(await eventually { lines.answer(3) != nil })
        #expect(lines.answer(3)?["result"]?["structuredContent"]?["confirmed"] == .bool(false))
    }

    @Test("finish() cancels a call that outlives the drain grace and closes the output")
    func finishCancelsLateCalls() async throws {
        let lines = Lines()
        let output = StdioOutput { bytes in
            if let value = try? JSONValue.parse(Array(bytes.dropLast())) { lines.all.withLock { $0.append(value) } }
            return true
        }
        let info = MCPServerInfo(name: "t", version: "1")
        let server = StdioServer(
            configuration: .init(
                server: info, tools: try ToolCatalog([BuiltinTools.echo]), drainGrace: .milliseconds(50)),
            output: output)
        await server.receive(Self.initialize)
        await server.receive(
            Self.line(
                #"{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"echo","arguments":{"message":"x","delayMs":60000}}}"#
            ))
        await server.finish()
        #expect(lines.answer(4)?["error"]?["code"]?.intValue == -32800)
        #expect(output.isClosed)
        #expect(server.callsInFlight == 0)
    }

    @Test("batches only in 2025-03-26; a line over the limit gets -32600")
    func batchesAndLimits() async throws {
        let (server, lines) = try Self.make()
        await server.receive(Self.initialize)
        await server.receive(Self.line(#"[{"jsonrpc":"2.0","id":5,"method":"ping"}]"#))
        #expect(lines.messages.last?["error"]?["code"]?.intValue == -32600)
        server.receiveTooLong()
        #expect(lines.messages.last?["error"]?["message"]?.stringValue?.contains("longer than") == true)
    }
}
