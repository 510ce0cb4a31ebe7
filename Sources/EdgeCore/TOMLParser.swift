/// A TOML 1.0.0 parser of our own (https://toml.io/en/v1.0.0), covering what wrangler files use
/// and the rest of the format: tables, arrays of tables, dotted and quoted keys, every string
/// form, integers, floats, booleans, date-times (kept as text), arrays and inline tables.
///
/// It is pure: bytes in, a `TOMLTable` or a `TOMLError` naming the line and column out. The
/// document is small and arrives whole, so a recursive-descent reader over the bytes is the
/// simplest correct shape; it reads each byte once.
public struct TOMLParser {
    let bytes: [UInt8]
    var position = 0
    /// The deepest nesting of arrays and inline tables accepted, so hostile input cannot exhaust the stack.
    let maxDepth = 128
    var depth = 0

    /// Parses a whole TOML document.
    public static func parse(_ text: String) throws(TOMLError) -> TOMLTable {
        var parser = TOMLParser(bytes: Array(text.utf8))
        return try parser.parseDocument()
    }

    /// Parses a whole TOML document given as UTF-8 bytes; invalid UTF-8 is an error.
    public static func parse(bytes: [UInt8]) throws(TOMLError) -> TOMLTable {
        var parser = TOMLParser(bytes: bytes)
        try parser.validateUTF8()
        return try parser.parseDocument()
    }

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    // MARK: Document structure

    mutating func parseDocument() throws(TOMLError) -> TOMLTable {
        let root = TOMLTableNode(origin: .header)
        var current = root
        while true {
            skipWhitespace()
            guard let byte = peek() else { break }
            switch byte {
            case UInt8(ascii: "#"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                try skipCommentAndNewline()
            case UInt8(ascii: "["):
                current = try parseHeader(root: root)
                try skipCommentAndNewline()
            default:
                try parseKeyValue(into: current)
                try skipCommentAndNewline()
            }
        }
        return root.build()
    }

    /// `[a.b]` or `[[a.b]]`: returns the table that the following key-values go into.
    mutating func parseHeader(root: TOMLTableNode) throws(TOMLError) -> TOMLTableNode {
        let start = position
        position += 1
        let isArray = peek() == UInt8(ascii: "[")
        if isArray { position += 1 }
        skipWhitespace()
        let keys = try parseKey()
        skipWhitespace()
        guard peek() == UInt8(ascii: "]") else { throw error("expected ']' to close the table header") }
        position += 1
        if isArray {
            guard peek() == UInt8(ascii: "]") else { throw error("expected ']]' to close the array-of-tables header") }
            position += 1
        }
        let name = keys.map(\.name).joined(separator: ".")
        var table = root
        for key in keys.dropLast() {
            switch table[key.name] {
            case nil:
                let node = TOMLTableNode(origin: .implicit)
                table[key.name] = .table(node)
                table = node
            case .table(let node):
                table = node
            case .tableArray(let nodes):
                table = nodes[nodes.count - 1]
            case .value:
                throw error(at: key.offset, code: "redefinition", "key '\(key.name)' is already a value, not a table")
            }
        }
        let last = keys[keys.count - 1]
        if isArray {
            let element = TOMLTableNode(origin: .header)
            switch table[last.name] {
            case nil:
                table[last.name] = .tableArray([element])
            case .tableArray(let nodes):
                table[last.name] = .tableArray(nodes + [element])
            default:
                throw error(
                    at: start, code: "redefinition", "[[\(name)]] names something that is not an array of tables")
            }
            return element
        }
        switch table[last.name] {
        case nil:
            let node = TOMLTableNode(origin: .header)
            table[last.name] = .table(node)
            return node
        case .table(let node) where node.origin == .implicit:
            node.origin = .header
            return node
        case .table:
            throw error(at: start, code: "redefinition", "table [\(name)] is defined more than once")
        case .tableArray:
            throw error(at: start, code: "redefinition", "[\(name)] is already an array of tables")
        case .value:
            throw error(at: start, code: "redefinition", "[\(name)] is already a value, not a table")
        }
    }

    /// `key = value` (the key may be dotted), stored into `table`.
    mutating func parseKeyValue(into table: TOMLTableNode) throws(TOMLError) {
        let keys = try parseKey()
        skipWhitespace()
        guard peek() == UInt8(ascii: "=") else { throw error("expected '=' after key") }
        position += 1
        skipWhitespace()
        let value = try parseValue()
        var target = table
        for key in keys.dropLast() {
            switch target[key.name] {
            case nil:
                let node = TOMLTableNode(origin: .dotted)
                target[key.name] = .table(node)
                target = node
            case .table(let node) where node.origin == .dotted:
                target = node
            default:
                throw error(
                    at: key.offset, code: "redefinition",
                    "key '\(key.name)' is already defined and cannot be extended with a dotted key")
            }
        }
        let last = keys[keys.count - 1]
        guard target[last.name] == nil else {
            throw error(at: last.offset, code: "duplicateKey", "key '\(last.name)' is defined more than once")
        }
        target[last.name] = .value(value)
    }

    /// A key: bare, quoted or dotted. Returns each part with the offset where it starts.
    mutating func parseKey() throws(TOMLError) -> [(name: String, offset: Int)] {
        var parts: [(name: String, offset: Int)] = []
        while true {
            skipWhitespace()
            let start = position
            guard let byte = peek() else { throw error("expected a key") }
            switch byte {
            case UInt8(ascii: "\""):
                if startsWith("\"\"\"") { throw error("a key cannot be a multi-line string") }
                parts.append((try parseBasicString(), start))
            case UInt8(ascii: "'"):
                if startsWith("'''") { throw error("a key cannot be a multi-line string") }
                parts.append((try parseLiteralString(), start))
            default:
                while let b = peek(), Self.isBareKeyByte(b) { position += 1 }
                guard position > start else {
                    throw error("expected a key (letters, digits, '_', '-' or a quoted string)")
                }
                parts.append((String(decoding: bytes[start..<position], as: UTF8.self), start))
            }
            skipWhitespace()
            guard peek() == UInt8(ascii: ".") else { return parts }
            position += 1
        }
    }

    static func isBareKeyByte(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39)
            || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")
    }

    // MARK: Whitespace, comments, positions

    func peek(_ offset: Int = 0) -> UInt8? {
        position + offset < bytes.count ? bytes[position + offset] : nil
    }

    func startsWith(_ text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard position + count <= bytes.count else { return false }
        let pointer = text.utf8Start
        for i in 0..<count where bytes[position + i] != pointer[i] { return false }
        return true
    }

    mutating func skipWhitespace() {
        while let b = peek(), b == 0x20 || b == 0x09 { position += 1 }
    }

    /// Whitespace, an optional comment, then a newline or the end: what must follow a line's content.
    mutating func skipCommentAndNewline() throws(TOMLError) {
        skipWhitespace()
        if peek() == UInt8(ascii: "#") {
            position += 1
            while let b = peek(), b != 0x0A {
                if b == 0x0D && peek(1) == 0x0A { break }
                if (b < 0x20 && b != 0x09) || b == 0x7F { throw error("control character in a comment") }
                position += 1
            }
        }
        guard let b = peek() else { return }
        if b == 0x0A {
            position += 1
        } else if b == 0x0D && peek(1) == 0x0A {
            position += 2
        } else {
            throw error("expected a newline or a comment after the value")
        }
    }

    /// Skips whitespace, newlines and comments: what may sit between array elements.
    mutating func skipWhitespaceCommentsAndNewlines() throws(TOMLError) {
        while true {
            skipWhitespace()
            guard let b = peek() else { return }
            if b == UInt8(ascii: "#") || b == 0x0A || b == 0x0D {
                try skipCommentAndNewline()
            } else {
                return
            }
        }
    }

    func error(_ message: String, code: String = "syntax") -> TOMLError {
        error(at: position, code: code, message)
    }

    func error(at offset: Int, code: String = "syntax", _ message: String) -> TOMLError {
        var line = 1
        var lineStart = 0
        let end = min(offset, bytes.count)
        for i in 0..<end where bytes[i] == 0x0A {
            line += 1
            lineStart = i + 1
        }
        var column = 1
        for i in lineStart..<end where bytes[i] & 0xC0 != 0x80 { column += 1 }
        return TOMLError(code: code, line: line, column: column, message: message)
    }

    /// Rejects bytes that are not UTF-8, naming the first bad one's position.
    mutating func validateUTF8() throws(TOMLError) {
        var offset = 0
        var iterator = bytes.makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): offset += scalar.count
            case .emptyInput: return
            case .error:
                throw error(at: offset, code: "encoding", "the text is not valid UTF-8")
            }
        }
    }
}
