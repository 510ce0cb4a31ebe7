import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The JSON line a record becomes, after redaction.
public enum LogRecord {
    /// Renders `{"time":…,"level":…,"logger":…,"msg":…, fields…}` with every rule of
    /// `LogRedactor` applied to the message and the fields, then every value in `scrubbing`
    /// replaced by `[REDACTED]` in every string.
    public static func render(
        time: Date, level: LogLevel, label: String, message: String, fields: [(String, JSONValue)],
        scrubbing secrets: [String] = []
    ) -> String {
        var members: [(String, JSONValue)] = [
            ("time", .string(iso8601(time))),
            ("level", .string(level.description)),
            ("logger", .string(label)),
            ("msg", .string(scrub(LogRedactor.redact(text: message), secrets))),
        ]
        for (key, value) in fields {
            let redacted = LogRedactor.redact(key: key, value: value)
            members.append((key, secrets.isEmpty ? redacted : scrub(redacted, secrets)))
        }
        return JSONValue.object(members).jsonText
    }

    private static func scrub(_ text: String, _ secrets: [String]) -> String {
        var text = text
        for secret in secrets where text.contains(secret) {
            text = text.replacingOccurrences(of: secret, with: LogRedactor.redacted)
        }
        return text
    }

    private static func scrub(_ value: JSONValue, _ secrets: [String]) -> JSONValue {
        switch value {
        case .string(let text): return .string(scrub(text, secrets))
        case .array(let items): return .array(items.map { scrub($0, secrets) })
        case .object(let members): return .object(members.map { ($0.0, scrub($0.1, secrets)) })
        case .null, .bool, .int, .double: return value
        }
    }

    /// RFC 3339 UTC time with milliseconds (`2026-11-26T13:23:28.123Z`).
    static func iso8601(_ date: Date) -> String {
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var seconds = time_t(millis / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ v: Int32, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))."
            + "\(pad(Int32(millis % 1000), 3))Z"
    }
}

/// The secret values a logger scrubs; prints as a count so a dumped `Logger` reveals nothing.
struct LogScrubList: Sendable, CustomStringConvertible, CustomReflectable {
    let values: [String]

    var description: String { "[\(values.count) scrubbed values]" }
    var customMirror: Mirror { Mirror(self, children: ["count": values.count]) }
}
