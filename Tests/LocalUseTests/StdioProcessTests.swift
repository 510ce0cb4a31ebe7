import EdgeCore
import Foundation
import TestSupport
import Testing

/// `schwab-mcp stdio` spoken to over real pipes, as Claude Desktop would.
@Suite("schwab-mcp stdio over pipes", .realWorld)
struct StdioProcessTests {
    @Test("initialize, tools/list and a status call; stdout holds JSON-RPC lines only, stderr JSON logs")
    func handshakeListAndCall() async throws {
        let world = try LocalWorld()
        let stdio = try StdioChild(world: world)
        let hello = try #require(await stdio.initialize())
        #expect(hello["result"]?["protocolVersion"]?.stringValue == "2025-11-25")
        #expect(hello["result"]?["serverInfo"]?["name"]?.stringValue == "schwab-mcp")
        stdio.request(1, "tools/list")
        let list = try #require(await stdio.answer(1))
        let names = (list["result"]?["tools"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
        #expect(names.contains("status") && names.contains("getAccounts") && names.contains("getQuotes"))
        #expect(!names.contains("placeOrder"), "order tools are listed only with ENABLE_TRADING")
        stdio.request(2, "tools/call", #"{"name":"status","arguments":{}}"#)
        let status = try #require(await stdio.answer(2))
        let facts = try #require(status["result"]?["structuredContent"])
        #expect(facts["transport"]?.stringValue == "stdio")
        #expect(facts["client"]?.stringValue == "swift-test")
        #expect(facts["extra"]?["schwab"]?["signedIn"] == .bool(false))
        #expect(facts["extra"]?["schwab"]?["schwabError"]?.stringValue?.contains("schwab-mcp login") == true)
        stdio.closeInput()
        #expect(await stdio.waitForExit() == 0)
        #expect(await eventually { stdio.outputEnded })
        for line in stdio.output {
            let message = try JSONValue.parse(Array(line.utf8))
            #expect(message["jsonrpc"]?.stringValue == "2.0", "not a JSON-RPC line: \(line)")
        }
        let logs = stdio.stderrText.split(separator: "\n")
        #expect(!logs.isEmpty)
        for line in logs { #expect((try? JSONValue.parse(Array(line.utf8)))?["msg"] != nil, "\(line)") }
    }

    @Test("notifications/cancelled stops a running call; the session goes on and counts it")
    func cancellation() async throws {
        let world = try LocalWorld()
        let stdio = try StdioChild(world: world)
        _ = try #require(await stdio.initialize())
        stdio.request(5, "tools/call", #"{"name":"echo","arguments":{"message":"slow","delayMs":30000}}"#)
        stdio.request(6, "ping")
        _ = try #require(await stdio.answer(6), "a running call must not hold up other messages")
        stdio.send(#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":5,"reason":"test"}}"#)
        let cancelled = try #require(await stdio.answer(5))
        #expect(cancelled["error"]?["code"]?.intValue == -32800)
        stdio.request(7, "tools/call", #"{"name":"status","arguments":{}}"#)
        let status = try #require(await stdio.answer(7))
        #expect(status["result"]?["structuredContent"]?["cancelledCalls"]?.intValue == 1)
        stdio.closeInput()
        #expect(await stdio.waitForExit() == 0)
    }

    @Test("a malformed line gets -32700 (and odd JSON -32600) with no crash; the next request is answered")
    func malformedLines() async throws {
        let world = try LocalWorld()
        let stdio = try StdioChild(world: world)
        _ = try #require(await stdio.initialize())
        stdio.send("{this is not json")
        let parse = try #require(await stdio.message { $0["error"]?["code"]?.intValue == -32700 })
        #expect(parse["id"] == .null)
        stdio.send("42")
        #expect(await stdio.message { $0["error"]?["code"]?.intValue == -32600 } != nil)
        stdio.send(#"{"jsonrpc":"2.0","id":9,"method":"no/such"}"#)
        #expect(await stdio.answer(9)?["error"]?["code"]?.intValue == -32601)
        stdio.request(10, "ping")
        #expect(await stdio.answer(10)?["result"] != nil)
        #expect(stdio.process.isRunning)
        stdio.closeInput()
        #expect(await stdio.waitForExit() == 0)
    }

    @Test("progress and log notifications arrive before the answer; setLevel silences info logs")
    func progressAndLogging() async throws {
        let world = try LocalWorld()
        let stdio = try StdioChild(world: world)
        _ = try #require(await stdio.initialize())
        stdio.request(
            3, "tools/call",
            #"{"name":"echo","arguments":{"message":"hi","progressSteps":3},"_meta":{"progressToken":"p1"}}"#)
        _ = try #require(await stdio.answer(3))
        let methods = stdio.output.compactMap { try? JSONValue.parse(Array($0.utf8)) }
        let progress = methods.filter { $0["method"]?.stringValue == "notifications/progress" }
        #expect(progress.count == 3)
        #expect(progress.allSatisfy { $0["params"]?["progressToken"]?.stringValue == "p1" })
        #expect(methods.contains { $0["method"]?.stringValue == "notifications/message" })
        let answerIndex = try #require(methods.firstIndex { $0["id"]?.intValue == 3 })
        let lastProgress = try #require(methods.lastIndex { $0["method"]?.stringValue == "notifications/progress" })
        #expect(lastProgress < answerIndex)
        stdio.request(4, "logging/setLevel", #"{"level":"error"}"#)
        _ = try #require(await stdio.answer(4))
        let before = stdio.output.count
        stdio.request(5, "tools/call", #"{"name":"echo","arguments":{"message":"quiet"}}"#)
        _ = try #require(await stdio.answer(5))
        #expect(!stdio.output[before...].contains { $0.contains("notifications/message") })
        stdio.closeInput()
        #expect(await stdio.waitForExit() == 0)
    }

    @Test("elicitation: the question goes out on stdout and the answer read from stdin completes the call")
    func elicitationRoundTrip() async throws {
        let world = try LocalWorld()
        let stdio = try StdioChild(world: world)
        _ = try #require(await stdio.initialize(capabilities: #"{"elicitation":{}}"#))
        stdio.request(8, "tools/call", #"{"name":"echo","arguments":{"message":"sure?","confirm":true}}"#)
        let question = try #require(await stdio.message { $0["method"]?.stringValue == "elicitation/create" })
        let id = try #require(question["id"])
        #expect(question["params"]?["message"]?.stringValue?.contains("sure?") == true)
        let reply: JSONValue = .object([
            ("jsonrpc", "2.0"), ("id", id),
            ("result", .object([("action", "accept"), ("content", .object([("confirm", true)]))])),
        ])
        stdio.send(String(decoding: reply.jsonBytes, as: UTF8.self))
        let answer = try #require(await stdio.answer(8))
        #expect(answer["result"]?["structuredContent"]?["confirmed"] == .bool(true))
        stdio.closeInput()
        #expect(await stdio.waitForExit() == 0)
    }

    @Test("SIGTERM ends it cleanly (exit 0) even with a call running")
    func sigterm() async throws {
        let world = try LocalWorld()
        let stdio = try StdioChild(world: world)
        _ = try #require(await stdio.initialize())
        stdio.request(1, "tools/call", #"{"name":"echo","arguments":{"message":"slow","delayMs":30000}}"#)
        #expect(await eventually { stdio.stderrText.contains("stdio ready") })
        kill(stdio.process.processIdentifier, SIGTERM)
        #expect(await stdio.waitForExit() == 0)
    }

    @Test("end of input lets a short call finish before exit")
    func drainsOnEOF() async throws {
        let world = try LocalWorld()
        let stdio = try StdioChild(world: world)
        _ = try #require(await stdio.initialize())
        stdio.request(1, "tools/call", #"{"name":"echo","arguments":{"message":"late","delayMs":300}}"#)
        stdio.closeInput()
        #expect(await stdio.waitForExit() == 0)
        #expect(await stdio.answer(1)?["result"]?["structuredContent"]?["message"]?.stringValue == "late")
    }
}
