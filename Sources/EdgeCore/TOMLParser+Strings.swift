/// The four TOML string forms (TOML 1.0.0 "String"): basic with escapes, literal, and the
/// multi-line variants of both.
extension TOMLParser {
    /// `"..."`: escapes decoded; control characters other than tab are errors.
    mutating func parseBasicString() throws(TOMLError) -> String {
        position += 1
        var out: [UInt8] = []
        while true {
            guard let b = peek() else { throw error("unterminated string: expected '\"'") }
            switch b {
            case UInt8(ascii: "\""):
                position += 1
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try parseEscape(into: &out)
            case 0x0A, 0x0D:
                throw error("unterminated string: a basic string cannot span lines (use \"\"\")")
            default:
                if (b < 0x20 && b != 0x09) || b == 0x7F { throw error("control character in a string; escape it") }
                out.append(b)
                position += 1
            }
        }
    }

    /// `"""..."""`: a newline right after the opening quotes is dropped, and a backslash at the
    /// end of a line joins it to the next non-blank text.
    mutating func parseMultilineBasicString() throws(TOMLError) -> String {
        position += 3
        skipOneNewline()
        var out: [UInt8] = []
        while true {
            guard let b = peek() else { throw error("unterminated multi-line string: expected '\"\"\"'") }
            if b == UInt8(ascii: "\"") && startsWith("\"\"\"") {
                var quotes = 0
                while peek() == UInt8(ascii: "\"") {
                    quotes += 1
                    position += 1
                }
                guard quotes <= 5 else {
                    throw error(at: position - quotes + 5, "too many quotes at the end of a string")
                }
                out.append(contentsOf: repeatElement(UInt8(ascii: "\""), count: quotes - 3))
                return String(decoding: out, as: UTF8.self)
            }
            if b == UInt8(ascii: "\\") {
                if try skipLineEndingBackslash() { continue }
                try parseEscape(into: &out)
                continue
            }
            if b == 0x0D {
                guard peek(1) == 0x0A else { throw error("a carriage return must be followed by a newline") }
                out.append(contentsOf: [0x0D, 0x0A])
                position += 2
                continue
            }
            if (b < 0x20 && b != 0x09 && b != 0x0A) || b == 0x7F {
                throw error("control character in a string; escape it")
            }
            out.append(b)
            position += 1
        }
    }

    /// `'...'`: taken as written, no escapes.
    mutating func parseLiteralString() throws(TOMLError) -> String {
        position += 1
        let start = position
        while true {
            guard let b = peek() else { throw error("unterminated string: expected \"'\"") }
            if b == UInt8(ascii: "'") {
                let text = String(decoding: bytes[start..<position], as: UTF8.self)
                position += 1
                return text
            }
            if b == 0x0A || b == 0x0D {
                throw error("unterminated string: a literal string cannot span lines (use ''')")
            }
            if (b < 0x20 && b != 0x09) || b == 0x7F { throw error("control character in a literal string") }
            position += 1
        }
    }

    /// `'''...'''`: taken as written across lines; a newline right after the opening quotes is dropped.
    mutating func parseMultilineLiteralString() throws(TOMLError) -> String {
        position += 3
        skipOneNewline()
        var out: [UInt8] = []
        while true {
            guard let b = peek() else { throw error("unterminated multi-line string: expected \"'''\"") }
            if b == UInt8(ascii: "'") && startsWith("'''") {
                var quotes = 0
                while peek() == UInt8(ascii: "'") {
                    quotes += 1
                    position += 1
                }
                guard quotes <= 5 else {
                    throw error(at: position - quotes + 5, "too many quotes at the end of a string")
                }
                out.append(contentsOf: repeatElement(UInt8(ascii: "'"), count: quotes - 3))
                return String(decoding: out, as: UTF8.self)
            }
            if b == 0x0D && peek(1) != 0x0A { throw error("a carriage return must be followed by a newline") }
            if (b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0D) || b == 0x7F {
                throw error("control character in a literal string")
            }
            out.append(b)
            position += 1
        }
    }

    private mutating func skipOneNewline() {
        if peek() == 0x0A {
            position += 1
        } else if peek() == 0x0D && peek(1) == 0x0A {
            position += 2
        }
    }

    /// A backslash followed by optional blanks and a newline: skips it and all blank space after.
    private mutating func skipLineEndingBackslash() throws(TOMLError) -> Bool {
        var probe = position + 1
        while probe < bytes.count, bytes[probe] == 0x20 || bytes[probe] == 0x09 { probe += 1 }
        let newline =
            probe < bytes.count
            && (bytes[probe] == 0x0A || (bytes[probe] == 0x0D && probe + 1 < bytes.count && bytes[probe + 1] == 0x0A))
        guard newline else { return false }
        position = probe
        while let b = peek(), b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { position += 1 }
        return true
    }

    /// One escape sequence (TOML 1.0.0: \b \t \n \f \r \" \\ \uXXXX \UXXXXXXXX), appended as UTF-8.
    private mutating func parseEscape(into out: inout [UInt8]) throws(TOMLError) {
        let start = position
        position += 1
        guard let b = peek() else { throw error("unterminated escape sequence") }
        position += 1
        switch b {
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "\""): out.append(0x22)
        case UInt8(ascii: "\\"): out.append(0x5C)
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let count = b == UInt8(ascii: "u") ? 4 : 8
            var value: UInt32 = 0
            for _ in 0..<count {
                guard let digit = peek(), let nibble = Self.hexValue(digit) else {
                    throw error(at: start, "\\\(Character(Unicode.Scalar(b))) needs \(count) hexadecimal digits")
                }
                value = value << 4 | UInt32(nibble)
                position += 1
            }
            guard let scalar = Unicode.Scalar(value) else {
                throw error(
                    at: start, "escape names U+\(String(value, radix: 16, uppercase: true)), not a Unicode scalar value"
                )
            }
            out.append(contentsOf: Array(String(Character(scalar)).utf8))
        default:
            throw error(at: start, "unknown escape sequence '\\\(Character(Unicode.Scalar(b)))'")
        }
    }

    static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case 0x30...0x39: b - 0x30
        case 0x41...0x46: b - 0x41 + 10
        case 0x61...0x66: b - 0x61 + 10
        default: nil
        }
    }
}
