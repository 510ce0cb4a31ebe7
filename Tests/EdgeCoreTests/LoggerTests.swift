import EdgeCore
import Foundation
import Synchronization
import Testing

/// Collects the lines a logger writes, so tests read real output.
final class CapturedLines: Sendable {
    private let storage = Mutex<[String]>([])
    var lines: [String] { storage.withLock { $0 } }
    var sink: LogSink { LogSink { line in self.storage.withLock { $0.append(line) } } }
}

@Suite("Structured logger")
struct LoggerTests {
    @Test("a record renders as one valid JSON line with time, level, logger, msg and fields")
    func rendersValidJSON() throws {
        let captured = CapturedLines()
        let logger = Logger(label: "oauth-handler", level: .debug, sink: captured.sink).with([("host", "h1")])
        logger.info("token \"exchanged\"\n ok", [("status", 200), ("path", "/token"), ("ratio", 0.5)])
        #expect(captured.lines.count == 1)
        let line = try #require(captured.lines.first)
        #expect(!line.contains("\n"))
        let record = try JSONValue.parse(line)
        #expect(record.objectValue?.map(\.0) == ["time", "level", "logger", "msg", "host", "status", "path", "ratio"])
        #expect(record["level"] == "info")
        #expect(record["logger"] == "oauth-handler")
        #expect(record["msg"] == "token \"exchanged\"\n ok")
        #expect(record["status"] == 200)
        #expect(record["host"] == "h1")
        let time = try #require(record["time"]?.stringValue)
        #expect(ISO8601DateFormatter.withFractions.date(from: time) != nil, "time: \(time)")
        // Foundation agrees the line is JSON.
        #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil)
    }

    @Test("secrets in the message and fields never reach the line")
    func redactsInsideLogger() throws {
        let captured = CapturedLines()
        let logger = Logger(label: "mcp-do", level: .trace, sink: captured.sink)
        logger.debug(
            "calling with Bearer SECRET-AT-1 for account 123456789",
            [("refresh_token", "SECRET-RT-2"), ("accountNumber", "98765432"), ("url", "/cb?code=SECRET-CODE-3")])
        let line = try #require(captured.lines.first)
        for secret in ["SECRET-AT-1", "SECRET-RT-2", "SECRET-CODE-3", "123456789", "98765432"] {
            #expect(!line.contains(secret), "leaked \(secret): \(line)")
        }
        let record = try JSONValue.parse(line)
        #expect(record["msg"] == "calling with Bearer [REDACTED] for account ...789")
        #expect(record["accountNumber"] == "...432")
        #expect(record["url"] == "/cb?code=[REDACTED]")
    }

    static let filterRows: [(LogLevel, [LogLevel])] = [
        (.trace, LogLevel.allCases),
        (.info, [.info, .warn, .error, .fatal]),
        (.error, [.error, .fatal]),
        (.fatal, [.fatal]),
    ]

    @Test("records below LOG_LEVEL are dropped", arguments: filterRows)
    func filtersByLevel(threshold: LogLevel, written: [LogLevel]) throws {
        let captured = CapturedLines()
        let logger = Logger(label: "kv", level: threshold, sink: captured.sink)
        logger.trace("t")
        logger.debug("d")
        logger.info("i")
        logger.warn("w")
        logger.error("e")
        logger.fatal("f")
        let levels = try captured.lines.map { try JSONValue.parse($0)["level"]?.stringValue ?? "" }
        #expect(levels == written.map(\.description))
    }

    @Test("a filtered record evaluates neither its message nor its fields")
    func filteredRecordIsNotBuilt() {
        let captured = CapturedLines()
        let logger = Logger(label: "router", level: .warn, sink: captured.sink)
        let evaluated = Mutex(0)
        func expensive() -> String {
            evaluated.withLock { $0 += 1 }
            return "x"
        }
        logger.debug(expensive(), [("k", .string(expensive()))])
        #expect(evaluated.withLock { $0 } == 0)
        #expect(captured.lines.isEmpty)
        #expect(!logger.isEnabled(.info) && logger.isEnabled(.error))
    }

    @Test(
        "LOG_LEVEL names parse; other spellings do not",
        arguments: ["trace", "debug", "info", "warn", "error", "fatal"])
    func levelNames(name: String) {
        #expect(LogLevel(name: name)?.description == name)
        #expect(LogLevel(name: name.uppercased()) == nil)
    }

    @Test("a named child keeps level, sink and metadata")
    func namedChild() throws {
        let captured = CapturedLines()
        let root = Logger(label: "host", level: .info, sink: captured.sink).with([("host_id", 2)])
        root.named("token-manager").info("refreshed")
        let record = try JSONValue.parse(try #require(captured.lines.first))
        #expect(record["logger"] == "token-manager")
        #expect(record["host_id"] == 2)
    }
}

extension ISO8601DateFormatter {
    fileprivate static var withFractions: ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }
}
