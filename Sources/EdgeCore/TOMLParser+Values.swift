/// Values (TOML 1.0.0 "Integer", "Float", "Boolean", "Array", "Inline Table", date-times).
extension TOMLParser {
    /// Any value, dispatched on its first byte.
    mutating func parseValue() throws(TOMLError) -> TOMLValue {
        guard let b = peek() else { throw error("expected a value after '='") }
        switch b {
        case UInt8(ascii: "\""):
            return .string(startsWith("\"\"\"") ? try parseMultilineBasicString() : try parseBasicString())
        case UInt8(ascii: "'"):
            return .string(startsWith("'''") ? try parseMultilineLiteralString() : try parseLiteralString())
        case UInt8(ascii: "["):
            return try nested { (parser: inout TOMLParser) throws(TOMLError) in try parser.parseArray() }
        case UInt8(ascii: "{"):
            return try nested { (parser: inout TOMLParser) throws(TOMLError) in try parser.parseInlineTable() }
        case UInt8(ascii: "t"):
            if startsWith("true") && !isBareContinuation(4) {
                position += 4
                return .boolean(true)
            }
        case UInt8(ascii: "f"):
            if startsWith("false") && !isBareContinuation(5) {
                position += 5
                return .boolean(false)
            }
        default:
            break
        }
        return try parseNumberOrDate()
    }

    private func isBareContinuation(_ offset: Int) -> Bool {
        guard let b = peek(offset) else { return false }
        return Self.isBareKeyByte(b)
    }

    private mutating func nested(
        _ body: (inout TOMLParser) throws(TOMLError) -> TOMLValue
    ) throws(TOMLError) -> TOMLValue {
        depth += 1
        defer { depth -= 1 }
        guard depth <= maxDepth else { throw error("arrays and inline tables nest deeper than \(maxDepth) levels") }
        return try body(&self)
    }

    /// `[ v, v, ]`: may span lines, hold comments, and end with a comma.
    mutating func parseArray() throws(TOMLError) -> TOMLValue {
        position += 1
        var items: [TOMLValue] = []
        while true {
            try skipWhitespaceCommentsAndNewlines()
            if peek() == UInt8(ascii: "]") {
                position += 1
                return .array(items)
            }
            items.append(try parseValue())
            try skipWhitespaceCommentsAndNewlines()
            switch peek() {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"):
                position += 1
                return .array(items)
            case nil: throw error("unterminated array: expected ']'")
            default: throw error("expected ',' or ']' after an array element")
            }
        }
    }

    /// `{ k = v, k.l = v }`: on one line, no trailing comma, closed once written.
    mutating func parseInlineTable() throws(TOMLError) -> TOMLValue {
        position += 1
        let node = TOMLTableNode(origin: .inline)
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            position += 1
            return .table(node.build())
        }
        while true {
            skipWhitespace()
            if peek() == UInt8(ascii: "}") { throw error("trailing comma in an inline table") }
            try parseKeyValue(into: node)
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"):
                position += 1
                return .table(node.build())
            case 0x0A, 0x0D: throw error("an inline table must stay on one line")
            case nil: throw error("unterminated inline table: expected '}'")
            default: throw error("expected ',' or '}' in an inline table")
            }
        }
    }

    /// Integers (decimal, 0x, 0o, 0b, underscores), floats (exponents, inf, nan) and date-times.
    mutating func parseNumberOrDate() throws(TOMLError) -> TOMLValue {
        let start = position
        while let b = peek(), Self.isValueTokenByte(b) { position += 1 }
        // A local or offset date-time may separate date and time with one space (RFC 3339 §5.6 note).
        if position - start == 10, peek() == 0x20, let h1 = peek(1), let h2 = peek(2), peek(3) == UInt8(ascii: ":"),
            Self.isDigit(h1), Self.isDigit(h2), bytes[start + 4] == UInt8(ascii: "-")
        {
            position += 1
            while let b = peek(), Self.isValueTokenByte(b) { position += 1 }
        }
        guard position > start else { throw error("expected a value (string, number, boolean, array or table)") }
        let token = Array(bytes[start..<position])
        if let value = Self.dateTime(token) { return value }
        if let value = Self.integer(token) { return value }
        if let value = Self.float(token) { return value }
        let text = String(decoding: token, as: UTF8.self)
        if Self.looksNumeric(token), Self.integerDigits(token) != nil {
            throw error(at: start, code: "overflow", "integer '\(text)' does not fit in 64 bits")
        }
        throw error(at: start, "invalid value '\(text)' (strings need quotes)")
    }

    static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    private static func isValueTokenByte(_ b: UInt8) -> Bool {
        isBareKeyByte(b) || b == UInt8(ascii: "+") || b == UInt8(ascii: ".") || b == UInt8(ascii: ":")
    }

    private static func looksNumeric(_ token: [UInt8]) -> Bool {
        token.first.map { isDigit($0) || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") } ?? false
    }

    /// Digits with underscores only between digits; nil when the underscores are misplaced.
    private static func cleanDigits(_ token: ArraySlice<UInt8>, isDigit: (UInt8) -> Bool) -> [UInt8]? {
        guard let first = token.first, let last = token.last, isDigit(first), isDigit(last) else { return nil }
        var out: [UInt8] = []
        var previousWasDigit = false
        for b in token {
            if b == UInt8(ascii: "_") {
                guard previousWasDigit else { return nil }
                previousWasDigit = false
            } else {
                guard isDigit(b) else { return nil }
                out.append(b)
                previousWasDigit = true
            }
        }
        return out
    }

    /// The sign and cleaned decimal digits of a decimal integer token, if it is one.
    private static func integerDigits(_ token: [UInt8]) -> (negative: Bool, digits: [UInt8])? {
        var body = token[...]
        var negative = false
        if let sign = body.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            negative = sign == UInt8(ascii: "-")
            body = body.dropFirst()
        }
        guard let digits = cleanDigits(body, isDigit: isDigit) else { return nil }
        if digits.count > 1 && digits[0] == UInt8(ascii: "0") { return nil }  // No leading zeros.
        return (negative, digits)
    }

    static func integer(_ token: [UInt8]) -> TOMLValue? {
        if token.count > 2 && token[0] == UInt8(ascii: "0") {
            let radix: Int
            switch token[1] {
            case UInt8(ascii: "x"): radix = 16
            case UInt8(ascii: "o"): radix = 8
            case UInt8(ascii: "b"): radix = 2
            default: radix = 0
            }
            if radix != 0 {
                let valid: (UInt8) -> Bool = { b in
                    guard let v = hexValue(b) else { return false }
                    return Int(v) < radix
                }
                guard let digits = cleanDigits(token[2...], isDigit: valid) else { return nil }
                return Int(String(decoding: digits, as: UTF8.self), radix: radix).map(TOMLValue.integer)
            }
        }
        guard let (negative, digits) = integerDigits(token) else { return nil }
        return Int((negative ? "-" : "") + String(decoding: digits, as: UTF8.self)).map(TOMLValue.integer)
    }

    static func float(_ token: [UInt8]) -> TOMLValue? {
        var body = token[...]
        var sign = ""
        if let first = body.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            sign = first == UInt8(ascii: "-") ? "-" : ""
            body = body.dropFirst()
        }
        let word = String(decoding: body, as: UTF8.self)
        if word == "inf" { return .float(sign == "-" ? -.infinity : .infinity) }
        if word == "nan" { return .float(.nan) }
        // int-part, then a fraction, an exponent, or both.
        let exponentIndex = body.firstIndex { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
        let mantissa = body[..<(exponentIndex ?? body.endIndex)]
        let dotIndex = mantissa.firstIndex(of: UInt8(ascii: "."))
        guard exponentIndex != nil || dotIndex != nil else { return nil }
        let intPart = mantissa[..<(dotIndex ?? mantissa.endIndex)]
        guard let intDigits = cleanDigits(intPart, isDigit: isDigit) else { return nil }
        if intDigits.count > 1 && intDigits[0] == UInt8(ascii: "0") { return nil }
        var text = sign + String(decoding: intDigits, as: UTF8.self)
        if let dotIndex {
            guard let fraction = cleanDigits(mantissa[(dotIndex + 1)...], isDigit: isDigit) else { return nil }
            text += "." + String(decoding: fraction, as: UTF8.self)
        }
        if let exponentIndex {
            var exponent = body[(exponentIndex + 1)...]
            var exponentSign = ""
            if let first = exponent.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
                exponentSign = first == UInt8(ascii: "-") ? "-" : ""
                exponent = exponent.dropFirst()
            }
            guard let digits = cleanDigits(exponent, isDigit: isDigit) else { return nil }
            text += "e" + exponentSign + String(decoding: digits, as: UTF8.self)
        }
        return Double(text).map(TOMLValue.float)
    }

    /// RFC 3339 date, time or date-time shapes (TOML keeps all four kinds); checked by shape only.
    static func dateTime(_ token: [UInt8]) -> TOMLValue? {
        func digits(_ range: Range<Int>) -> Bool { range.upperBound <= token.count && token[range].allSatisfy(isDigit) }
        func byte(_ i: Int, _ c: Unicode.Scalar) -> Bool { i < token.count && token[i] == UInt8(ascii: c) }
        let isDate = digits(0..<4) && byte(4, "-") && digits(5..<7) && byte(7, "-") && digits(8..<10)
        let isTime = digits(0..<2) && byte(2, ":") && digits(3..<5) && byte(5, ":") && digits(6..<8)
        guard isDate || isTime else { return nil }
        if isDate && token.count > 10 {
            guard byte(10, "T") || byte(10, "t") || byte(10, " ") else { return nil }
            let time = Array(token[11...])
            guard time.count >= 8, dateTime(time) != nil else { return nil }
        }
        if isTime {
            var i = 8
            if byte(i, ".") {
                i += 1
                let fractionStart = i
                while i < token.count, isDigit(token[i]) { i += 1 }
                guard i > fractionStart else { return nil }
            }
            if i < token.count {
                if byte(i, "Z") || byte(i, "z") {
                    i += 1
                } else if byte(i, "+") || byte(i, "-") {
                    guard digits((i + 1)..<(i + 3)), byte(i + 3, ":"), digits((i + 4)..<(i + 6)) else { return nil }
                    i += 6
                }
            }
            guard i == token.count else { return nil }
        }
        return .datetime(String(decoding: token, as: UTF8.self))
    }
}
