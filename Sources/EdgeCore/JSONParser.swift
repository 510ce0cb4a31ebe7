#if canImport(Glibc)
    import Glibc
#endif

/// An RFC 8259 JSON parser of our own: bytes in, a `JSONValue` or a `JSONParseError` out.
///
/// Strict by design, because MCP messages arrive from other programs: no comments, no trailing
/// commas, no leading zeros, no lone surrogates, no control characters in strings, valid UTF-8
/// only (§8.1), one value per text (§2). Integral numbers that fit in `Int` become `.int`, all
/// others `.double` (§6 leaves precision to the implementation). Nesting is limited so hostile
/// input cannot exhaust the stack (§9 allows limits). Reads each byte once over an unsafe buffer.
struct JSONParser: ~Copyable {
    private let base: UnsafePointer<UInt8>
    private let count: Int
    private var position = 0
    private let maxDepth: Int
    private var depth = 0

    private init(base: UnsafePointer<UInt8>, count: Int, maxDepth: Int) {
        self.base = base
        self.count = count
        self.maxDepth = maxDepth
    }

    /// Parses exactly one JSON value, surrounded by optional whitespace.
    static func parse(_ buffer: UnsafeBufferPointer<UInt8>, maxDepth: Int) throws(JSONParseError) -> JSONValue {
        guard let base = buffer.baseAddress, buffer.count > 0 else {
            throw JSONParseError(code: "unexpectedEnd", offset: 0, message: "empty input, expected a JSON value")
        }
        var parser = JSONParser(base: base, count: buffer.count, maxDepth: maxDepth)
        parser.skipWhitespace()
        let value = try parser.parseValue()
        parser.skipWhitespace()
        guard parser.position == parser.count else {
            throw parser.error("trailingData", "unexpected data after the JSON value")
        }
        return value
    }

    private func error(_ code: String, _ message: String, at offset: Int? = nil) -> JSONParseError {
        JSONParseError(code: code, offset: offset ?? position, message: message)
    }

    private mutating func skipWhitespace() {
        while position < count {
            let b = base[position]
            guard b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { return }
            position += 1
        }
    }

    private mutating func parseValue() throws(JSONParseError) -> JSONValue {
        guard position < count else { throw error("unexpectedEnd", "unexpected end of input, expected a value") }
        switch base[position] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): return try parseLiteral("true", .bool(true))
        case UInt8(ascii: "f"): return try parseLiteral("false", .bool(false))
        case UInt8(ascii: "n"): return try parseLiteral("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw error("syntax", "unexpected character, expected a value")
        }
    }

    private mutating func parseLiteral(_ word: StaticString, _ value: JSONValue) throws(JSONParseError) -> JSONValue {
        let length = word.utf8CodeUnitCount
        guard position + length <= count, memcmp(base + position, word.utf8Start, length) == 0 else {
            throw error("syntax", "unexpected character, expected '\(word)'")
        }
        position += length
        return value
    }

    private mutating func enter() throws(JSONParseError) {
        depth += 1
        guard depth <= maxDepth else {
            throw error("tooDeep", "arrays and objects nest deeper than \(maxDepth) levels")
        }
    }

    private mutating func parseArray() throws(JSONParseError) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        position += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if position < count && base[position] == UInt8(ascii: "]") {
            position += 1
            return .array(items)
        }
        while true {
            skipWhitespace()
            items.append(try parseValue())
            skipWhitespace()
            guard position < count else { throw error("unexpectedEnd", "unterminated array, expected ',' or ']'") }
            switch base[position] {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"):
                position += 1
                return .array(items)
            default: throw error("syntax", "expected ',' or ']' after an array element")
            }
        }
    }

    private mutating func parseObject() throws(JSONParseError) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        position += 1
        var members: [(String, JSONValue)] = []
        skipWhitespace()
        if position < count && base[position] == UInt8(ascii: "}") {
            position += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard position < count else { throw error("unexpectedEnd", "unterminated object, expected a member name") }
            guard base[position] == UInt8(ascii: "\"") else {
                throw error("syntax", "expected a member name in double quotes")
            }
            let key = try parseString()
            skipWhitespace()
            guard position < count, base[position] == UInt8(ascii: ":") else {
                throw error(position < count ? "syntax" : "unexpectedEnd", "expected ':' after a member name")
            }
            position += 1
            skipWhitespace()
            members.append((key, try parseValue()))
            skipWhitespace()
            guard position < count else { throw error("unexpectedEnd", "unterminated object, expected ',' or '}'") }
            switch base[position] {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"):
                position += 1
                return .object(members)
            default: throw error("syntax", "expected ',' or '}' after an object member")
            }
        }
    }

    /// RFC 8259 §7. A string without escapes is validated and copied in one step.
    private mutating func parseString() throws(JSONParseError) -> String {
        let start = position
        position += 1
        let contentStart = position
        while position < count {
            let b = base[position]
            if b == UInt8(ascii: "\"") {
                let text = try makeString(contentStart, position)
                position += 1
                return text
            }
            if b == UInt8(ascii: "\\") { return try parseEscapedString(contentStart) }
            if b < 0x20 { throw error("invalidString", "control character in a string; it must be escaped") }
            position += 1
        }
        throw error("unexpectedEnd", "unterminated string", at: start)
    }

    private func makeString(_ from: Int, _ to: Int) throws(JSONParseError) -> String {
        let slice = UnsafeBufferPointer(start: base + from, count: to - from)
        var ascii = true
        for b in slice where b >= 0x80 {
            ascii = false
            break
        }
        if ascii { return String(decoding: slice, as: UTF8.self) }
        guard let text = String(validating: slice, as: UTF8.self) else {
            throw error("encoding", "string is not valid UTF-8", at: from)
        }
        return text
    }

    /// The slow path, once the first backslash is seen: bytes are gathered and decoded at the end.
    private mutating func parseEscapedString(_ contentStart: Int) throws(JSONParseError) -> String {
        var out = [UInt8](UnsafeBufferPointer(start: base + contentStart, count: position - contentStart))
        while position < count {
            let b = base[position]
            switch b {
            case UInt8(ascii: "\""):
                position += 1
                guard let text = String(validating: out, as: UTF8.self) else {
                    throw error("encoding", "string is not valid UTF-8", at: contentStart)
                }
                return text
            case UInt8(ascii: "\\"):
                try parseEscape(into: &out)
            case 0..<0x20:
                throw error("invalidString", "control character in a string; it must be escaped")
            default:
                out.append(b)
                position += 1
            }
        }
        throw error("unexpectedEnd", "unterminated string", at: contentStart - 1)
    }

    private mutating func parseEscape(into out: inout [UInt8]) throws(JSONParseError) {
        let start = position
        guard position + 1 < count else { throw error("unexpectedEnd", "unterminated escape sequence") }
        let b = base[position + 1]
        position += 2
        switch b {
        case UInt8(ascii: "\""): out.append(0x22)
        case UInt8(ascii: "\\"): out.append(0x5C)
        case UInt8(ascii: "/"): out.append(0x2F)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try readHex4(start)
            if (0xD800...0xDBFF).contains(scalar) {
                // A high surrogate must be followed by an escaped low surrogate (§7, UTF-16 pair).
                guard position + 1 < count, base[position] == UInt8(ascii: "\\"),
                    base[position + 1] == UInt8(ascii: "u")
                else { throw error("invalidString", "high surrogate without a following low surrogate", at: start) }
                position += 2
                let low = try readHex4(position - 2)
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw error("invalidString", "high surrogate without a following low surrogate", at: start)
                }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw error("invalidString", "lone low surrogate", at: start)
            }
            Self.appendUTF8(scalar, to: &out)
        default:
            throw error("invalidString", "unknown escape sequence", at: start)
        }
    }

    private mutating func readHex4(_ escapeStart: Int) throws(JSONParseError) -> UInt32 {
        var value: UInt32 = 0
        for i in 0..<4 {
            guard position + i < count else {
                throw error("unexpectedEnd", "\\u needs four hexadecimal digits", at: escapeStart)
            }
            let b = base[position + i]
            let nibble: UInt32
            switch b {
            case 0x30...0x39: nibble = UInt32(b - 0x30)
            case 0x41...0x46: nibble = UInt32(b - 0x41 + 10)
            case 0x61...0x66: nibble = UInt32(b - 0x61 + 10)
            default: throw error("invalidString", "\\u needs four hexadecimal digits", at: escapeStart)
            }
            value = value << 4 | nibble
        }
        position += 4
        return value
    }

    private static func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            out.append(UInt8(scalar))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | (scalar >> 6)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | (scalar >> 12)))
            out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (scalar >> 18)))
            out.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }

    /// RFC 8259 §6: `-? int frac? exp?`, int without leading zeros.
    private mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        let start = position
        var negative = false
        if base[position] == UInt8(ascii: "-") {
            negative = true
            position += 1
        }
        guard position < count, isDigit(base[position]) else {
            throw error(position < count ? "invalidNumber" : "unexpectedEnd", "expected a digit", at: position)
        }
        var integral = true
        var magnitude: UInt64 = 0
        var overflow = false
        if base[position] == UInt8(ascii: "0") {
            position += 1
            if position < count && isDigit(base[position]) {
                throw error("invalidNumber", "leading zeros are not allowed", at: start)
            }
        } else {
            while position < count, isDigit(base[position]) {
                let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times10.addingReportingOverflow(UInt64(base[position] - 0x30))
                overflow = overflow || o1 || o2
                magnitude = sum
                position += 1
            }
        }
        if position < count && base[position] == UInt8(ascii: ".") {
            integral = false
            position += 1
            guard position < count, isDigit(base[position]) else {
                throw error("invalidNumber", "expected a digit after the decimal point")
            }
            while position < count, isDigit(base[position]) { position += 1 }
        }
        if position < count && (base[position] == UInt8(ascii: "e") || base[position] == UInt8(ascii: "E")) {
            integral = false
            position += 1
            if position < count && (base[position] == UInt8(ascii: "+") || base[position] == UInt8(ascii: "-")) {
                position += 1
            }
            guard position < count, isDigit(base[position]) else {
                throw error("invalidNumber", "expected a digit in the exponent")
            }
            while position < count, isDigit(base[position]) { position += 1 }
        }
        if integral && !overflow {
            if !negative && magnitude <= UInt64(Int.max) { return .int(Int(magnitude)) }
            if negative && magnitude <= UInt64(Int.max) + 1 {
                return .int(magnitude == UInt64(Int.max) + 1 ? Int.min : -Int(magnitude))
            }
        }
        let text = String(decoding: UnsafeBufferPointer(start: base + start, count: position - start), as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            throw error("invalidNumber", "number out of range", at: start)
        }
        return .double(value)
    }

    private func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }
}
