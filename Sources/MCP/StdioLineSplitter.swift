/// Splits the bytes read from standard input into newline-delimited messages (MCP spec
/// 2025-11-25, basic/transports "stdio": messages are delimited by newlines and MUST NOT contain
/// embedded newlines). Pure: bytes in, lines out, at any split of the input.
///
/// A line longer than `maxLineBytes` is dropped whole and reported once as `.tooLong`, so one
/// oversized message costs bounded memory and does not end the session.
public struct StdioLineSplitter: Sendable {
    /// One complete line.
    public enum Line: Sendable, Equatable {
        /// The line's bytes without its `\n` (and without a trailing `\r`).
        case message([UInt8])
        /// A line was longer than the limit and was discarded.
        case tooLong
    }

    /// The longest line kept.
    public let maxLineBytes: Int
    private var pending: [UInt8] = []
    private var discarding = false

    /// A splitter keeping lines up to `maxLineBytes` (default 4 MiB).
    public init(maxLineBytes: Int = 4 << 20) { self.maxLineBytes = maxLineBytes }

    /// Feeds bytes; returns the lines they complete, in order. Blank lines are skipped.
    public mutating func feed(_ bytes: some Collection<UInt8>) -> [Line] {
        var lines: [Line] = []
        var start = bytes.startIndex
        while let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) {
            if let line = take(bytes[start..<newline], complete: true) { lines.append(line) }
            start = bytes.index(after: newline)
        }
        _ = take(bytes[start...], complete: false)
        if !discarding && pending.count > maxLineBytes {
            pending = []
            discarding = true
        }
        return lines
    }

    /// What is left when the input ends: a last line without its newline, if any.
    public mutating func finish() -> Line? {
        defer {
            pending = []
            discarding = false
        }
        if discarding { return .tooLong }
        return Self.clean(pending).map { .message($0) }
    }

    private mutating func take(_ part: some Collection<UInt8>, complete: Bool) -> Line? {
        if discarding {
            guard complete else { return nil }
            discarding = false
            return .tooLong
        }
        pending.append(contentsOf: part)
        guard complete else { return nil }
        defer { pending = [] }
        if pending.count > maxLineBytes { return .tooLong }
        return Self.clean(pending).map { .message($0) }
    }

    private static func clean(_ line: [UInt8]) -> [UInt8]? {
        var line = line[...]
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        guard line.contains(where: { $0 != 0x20 && $0 != 0x09 }) else { return nil }
        return Array(line)
    }
}
