import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Log severities, least to most severe, as the seed's logger names them.
public enum LogLevel: Int, Sendable, Comparable, CaseIterable, CustomStringConvertible {
    case trace, debug, info, warn, error, fatal

    /// Orders levels from least (trace) to most (fatal) severe.
    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The text people read: what `print` and string interpolation show.
    public var description: String {
        switch self {
        case .trace: "trace"
        case .debug: "debug"
        case .info: "info"
        case .warn: "warn"
        case .error: "error"
        case .fatal: "fatal"
        }
    }

    /// Parses the lowercase names that `LOG_LEVEL` takes.
    public init?(name: String) {
        guard let level = LogLevel.allCases.first(where: { $0.description == name }) else { return nil }
        self = level
    }
}

/// Where finished log lines go. The default writes each line to stderr with one `write(2)`.
public struct LogSink: Sendable {
    /// Receives one finished line, without its newline.
    public let write: @Sendable (String) -> Void

    /// A sink that hands each line to `write`.
    public init(write: @escaping @Sendable (String) -> Void) { self.write = write }

    /// One line per record on standard error, written atomically.
    public static let standardError = LogSink { line in
        var bytes = Array(line.utf8)
        bytes.append(0x0A)
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(2, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 { break }
                offset += n
            }
        }
    }
}

/// A structured logger: one JSON object per line on stderr, filtered by level.
///
/// Every record passes through `LogRedactor` before it is written, so no caller can forget to
/// hide a secret: the rules live here, not at call sites.
public struct Logger: Sendable {
    /// The logger's name, such as `kv`, `router`, `oauth-handler` or `mcp-do`.
    public let label: String
    /// Records below this level are dropped before any work is done.
    public var level: LogLevel
    /// Fields added to every record of this logger (a host id, a request id).
    public var metadata: [(String, JSONValue)]
    /// Where this logger's lines go.
    public let sink: LogSink
    /// Exact secret values (from `Secrets`) scrubbed from every string, whatever key they hide under.
    private var scrubbed = LogScrubList(values: [])

    /// A logger named `label` that writes records at `level` and above to `sink`.
    public init(label: String, level: LogLevel = .info, sink: LogSink = .standardError) {
        self.label = label
        self.level = level
        self.metadata = []
        self.sink = sink
    }

    /// A logger with the same sink and level, another name.
    public func named(_ label: String) -> Logger {
        var copy = Logger(label: label, level: level, sink: sink)
        copy.metadata = metadata
        copy.scrubbed = scrubbed
        return copy
    }

    /// A copy that also replaces each of `values` (secrets this process holds, such as the client
    /// secret) with `[REDACTED]` wherever it appears, as a backstop to the key and pattern rules.
    /// Values shorter than 6 characters are ignored, since scrubbing them would mangle ordinary text.
    public func scrubbing(_ values: [String]) -> Logger {
        var copy = self
        copy.scrubbed = LogScrubList(values: scrubbed.values + values.filter { $0.count >= 6 })
        return copy
    }

    /// A copy that adds `fields` to every record.
    public func with(_ fields: [(String, JSONValue)]) -> Logger {
        var copy = self
        copy.metadata += fields
        return copy
    }

    /// Logs at `trace`; the message and fields are not evaluated when the level is filtered out.
    public func trace(_ message: @autoclosure () -> String, _ fields: @autoclosure () -> [(String, JSONValue)] = []) {
        log(.trace, message(), fields())
    }
    /// Logs at `debug`; the message and fields are not evaluated when the level is filtered out.
    public func debug(_ message: @autoclosure () -> String, _ fields: @autoclosure () -> [(String, JSONValue)] = []) {
        log(.debug, message(), fields())
    }
    /// Logs at `info`; the message and fields are not evaluated when the level is filtered out.
    public func info(_ message: @autoclosure () -> String, _ fields: @autoclosure () -> [(String, JSONValue)] = []) {
        log(.info, message(), fields())
    }
    /// Logs at `warn`; the message and fields are not evaluated when the level is filtered out.
    public func warn(_ message: @autoclosure () -> String, _ fields: @autoclosure () -> [(String, JSONValue)] = []) {
        log(.warn, message(), fields())
    }
    /// Logs at `error`; the message and fields are not evaluated when the level is filtered out.
    public func error(_ message: @autoclosure () -> String, _ fields: @autoclosure () -> [(String, JSONValue)] = []) {
        log(.error, message(), fields())
    }
    /// Logs at `fatal`; the message and fields are not evaluated when the level is filtered out.
    public func fatal(_ message: @autoclosure () -> String, _ fields: @autoclosure () -> [(String, JSONValue)] = []) {
        log(.fatal, message(), fields())
    }

    /// True when a record at `level` would be written; lets a caller skip building costly fields.
    public func isEnabled(_ level: LogLevel) -> Bool { level >= self.level }

    /// Writes one record when `level` passes the filter; nothing is evaluated or rendered otherwise.
    public func log(
        _ level: LogLevel, _ message: @autoclosure () -> String, _ fields: @autoclosure () -> [(String, JSONValue)] = []
    ) {
        guard level >= self.level else { return }
        sink.write(
            LogRecord.render(
                time: Date(), level: level, label: label, message: message(), fields: metadata + fields(),
                scrubbing: scrubbed.values))
    }
}
