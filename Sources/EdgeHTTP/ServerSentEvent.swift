/// One Server-Sent Event, encoded for a `text/event-stream` body (WHATWG HTML §9.2).
///
/// The server does the timing (heartbeats, flushing); this type only produces the bytes. Data
/// with line breaks becomes several `data:` lines, which the client joins with `\n` again.
public struct ServerSentEvent: Sendable, Equatable {
    /// The event id, which the client sends back as `Last-Event-ID` when it reconnects.
    public var id: String?
    /// The event type (`message` when absent).
    public var event: String?
    /// The payload.
    public var data: String
    /// How long the client waits before reconnecting, in milliseconds.
    public var retry: Int?

    /// An event. Line breaks in `id` and `event` (and NUL in `id`, which makes clients ignore
    /// it) are removed, since those fields are one line each.
    public init(id: String? = nil, event: String? = nil, data: String, retry: Int? = nil) {
        self.id = id.map { Self.singleLine($0, dropNUL: true) }
        self.event = event.map { Self.singleLine($0, dropNUL: false) }
        self.data = data
        self.retry = retry
    }

    /// The event's bytes: `event:`, `id:`, `retry:`, one `data:` line per line of data (split at
    /// CRLF, CR or LF, as the parser does), then the blank line that dispatches it.
    public var encoded: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(data.utf8.count + 32)
        if let event { Self.appendField("event", event.utf8, to: &out) }
        if let id { Self.appendField("id", id.utf8, to: &out) }
        if let retry, retry >= 0 {
            out += "retry: ".utf8
            HTTPResponseEncoder.appendDecimal(retry, to: &out)
            out.append(0x0A)
        }
        for line in Self.lines(data) { Self.appendField("data", line, to: &out) }
        out.append(0x0A)
        return out
    }

    /// A comment (`: text`), which clients ignore: a heartbeat that keeps proxies from closing
    /// an idle stream. Each line of `text` becomes its own comment line.
    public static func comment(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        for line in lines(text) {
            out += ":".utf8
            if !line.isEmpty { out.append(0x20) }
            out += line
            out.append(0x0A)
        }
        out.append(0x0A)
        return out
    }

    private static func appendField<C: Collection<UInt8>>(_ name: String, _ value: C, to out: inout [UInt8]) {
        out += name.utf8
        out.append(UInt8(ascii: ":"))
        // One space after the colon is removed by the parser; without it, a value that starts
        // with a space would lose that space.
        out.append(0x20)
        out += value
        out.append(0x0A)
    }

    /// The lines of `text`, split at CRLF, CR or LF; always at least one (maybe empty) line.
    static func lines(_ text: String) -> [ArraySlice<UInt8>] {
        let bytes = Array(text.utf8)
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0A || byte == 0x0D {
                lines.append(bytes[start..<index])
                if byte == 0x0D && index + 1 < bytes.count && bytes[index + 1] == 0x0A { index += 1 }
                start = index + 1
            }
            index += 1
        }
        lines.append(bytes[start...])
        return lines
    }

    private static func singleLine(_ text: String, dropNUL: Bool) -> String {
        String(
            String.UnicodeScalarView(
                text.unicodeScalars.filter { $0 != "\n" && $0 != "\r" && !(dropNUL && $0 == "\0") }))
    }
}
