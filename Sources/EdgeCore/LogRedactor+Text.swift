/// Redaction inside free text: log messages, URLs, raw bodies and header dumps.
extension LogRedactor {
    /// Redacts secrets that appear inside free text:
    /// - `Bearer <token>` (any case) becomes `Bearer [REDACTED]` (RFC 6750 §2.1 credentials);
    /// - `key=value` pairs (query strings, forms, cookies; RFC 6749 §4.1.2, §5.1), `"key":"value"`
    ///   (JSON bodies) and `Key: value` header lines whose key names a secret keep the key and lose
    ///   the value;
    /// - digit runs of 8 or more that stand alone (not inside a word such as a UUID) keep only their
    ///   last three digits, since they may be account numbers.
    public static func redact(text: String) -> String {
        var bytes = Array(text.utf8)
        var changed = false
        if let out = redactBearer(bytes) {
            bytes = out
            changed = true
        }
        if let out = redactPairs(bytes) {
            bytes = out
            changed = true
        }
        if let out = maskDigitRuns(bytes, minimumLength: 8, requireBareToken: true) {
            bytes = out
            changed = true
        }
        return changed ? String(decoding: bytes, as: UTF8.self) : text
    }

    static func maskDigitRuns(in text: String, minimumLength: Int, requireBareToken: Bool) -> String {
        guard
            let out = maskDigitRuns(Array(text.utf8), minimumLength: minimumLength, requireBareToken: requireBareToken)
        else { return text }
        return String(decoding: out, as: UTF8.self)
    }

    private static let redactedBytes = Array(redacted.utf8)

    private static func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }
    private static func isLetter(_ b: UInt8) -> Bool { (b | 0x20) &- 0x61 < 26 }
    private static func isKeyByte(_ b: UInt8) -> Bool {
        isLetter(b) || isDigit(b) || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")
    }
    private static func isTokenByte(_ b: UInt8) -> Bool {
        isLetter(b) || isDigit(b) || b == UInt8(ascii: "-") || b == UInt8(ascii: ".") || b == UInt8(ascii: "_")
            || b == UInt8(ascii: "~") || b == UInt8(ascii: "+") || b == UInt8(ascii: "/") || b == UInt8(ascii: "=")
            || b == UInt8(ascii: "%")
    }

    /// `Bearer xyz` -> `Bearer [REDACTED]`; nil when nothing matched.
    private static func redactBearer(_ bytes: [UInt8]) -> [UInt8]? {
        let word = Array("bearer".utf8)
        var out: [UInt8] = []
        var copied = 0
        var i = 0
        while i + word.count < bytes.count {
            guard bytes[i] | 0x20 == UInt8(ascii: "b"), i == 0 || !isKeyByte(bytes[i - 1]),
                (0..<word.count).allSatisfy({ bytes[i + $0] | 0x20 == word[$0] })
            else {
                i += 1
                continue
            }
            var j = i + word.count
            let spaceStart = j
            while j < bytes.count, bytes[j] == 0x20 || bytes[j] == 0x09 { j += 1 }
            if j == spaceStart, j + 3 <= bytes.count, bytes[j..<(j + 3)].elementsEqual("%20".utf8) { j += 3 }
            let tokenStart = j
            while j < bytes.count, isTokenByte(bytes[j]) { j += 1 }
            guard j > spaceStart, j > tokenStart else {
                i += word.count
                continue
            }
            out.append(contentsOf: bytes[copied..<tokenStart])
            out.append(contentsOf: redactedBytes)
            copied = j
            i = j
        }
        guard copied > 0 else { return nil }
        out.append(contentsOf: bytes[copied...])
        return out
    }

    /// `key=value`, `"key": "value"` and `Key: value` header lines whose key names a secret.
    private static func redactPairs(_ bytes: [UInt8]) -> [UInt8]? {
        var out: [UInt8] = []
        var copied = 0
        var i = 0
        while i < bytes.count {
            guard isKeyByte(bytes[i]), i == 0 || !isKeyByte(bytes[i - 1]) else {
                i += 1
                continue
            }
            var j = i
            while j < bytes.count, isKeyByte(bytes[j]) { j += 1 }
            let keyEnd = j
            guard keyEnd < bytes.count, isSecretKey(String(decoding: bytes[i..<keyEnd], as: UTF8.self)) else {
                i = keyEnd
                continue
            }
            let valueStart: Int
            let valueEnd: Int
            let quotedKey = i > 0 && bytes[i - 1] == UInt8(ascii: "\"") && bytes[keyEnd] == UInt8(ascii: "\"")
            if bytes[keyEnd] == UInt8(ascii: "=")
                && (keyEnd + 1 == bytes.count || bytes[keyEnd + 1] != UInt8(ascii: "="))
            {
                valueStart = keyEnd + 1
                var k = valueStart
                while k < bytes.count, !isPairTerminator(bytes[k]) { k += 1 }
                valueEnd = k
            } else if quotedKey {
                var k = keyEnd + 1
                while k < bytes.count, bytes[k] == 0x20 { k += 1 }
                guard k < bytes.count, bytes[k] == UInt8(ascii: ":") else {
                    i = keyEnd
                    continue
                }
                k += 1
                while k < bytes.count, bytes[k] == 0x20 { k += 1 }
                if k < bytes.count, bytes[k] == UInt8(ascii: "\"") {
                    valueStart = k + 1
                    k = valueStart
                    while k < bytes.count, bytes[k] != UInt8(ascii: "\"") {
                        k += bytes[k] == UInt8(ascii: "\\") ? 2 : 1
                    }
                    valueEnd = min(k, bytes.count)
                } else {
                    valueStart = k
                    while k < bytes.count, !isJSONTerminator(bytes[k]) { k += 1 }
                    valueEnd = k
                }
            } else if bytes[keyEnd] == UInt8(ascii: ":"), i == 0 || bytes[i - 1] == 0x0A {
                var k = keyEnd + 1
                while k < bytes.count, bytes[k] == 0x20 { k += 1 }
                valueStart = k
                while k < bytes.count, bytes[k] != 0x0A, bytes[k] != 0x0D { k += 1 }
                valueEnd = k
            } else {
                i = keyEnd
                continue
            }
            if valueEnd > valueStart && !bytes[valueStart..<valueEnd].elementsEqual(redactedBytes) {
                out.append(contentsOf: bytes[copied..<valueStart])
                out.append(contentsOf: redactedBytes)
                copied = valueEnd
            }
            i = max(valueEnd, keyEnd)
        }
        guard copied > 0 else { return nil }
        out.append(contentsOf: bytes[copied...])
        return out
    }

    private static func isPairTerminator(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "&"), UInt8(ascii: ";"), UInt8(ascii: ","), UInt8(ascii: "\""), UInt8(ascii: "'"),
            UInt8(ascii: "#"), UInt8(ascii: ")"), UInt8(ascii: "}"), UInt8(ascii: "]"), UInt8(ascii: ">"),
            0x20, 0x09, 0x0A, 0x0D:
            return true
        default:
            return false
        }
    }

    private static func isJSONTerminator(_ b: UInt8) -> Bool {
        b == UInt8(ascii: ",") || b == UInt8(ascii: "}") || b == UInt8(ascii: "]") || b == 0x20 || b == 0x0A
            || b == 0x0D
    }

    /// Replaces each run of `minimumLength` or more digits with `...` and its last three digits.
    /// With `requireBareToken`, a run inside a word that holds letters (a UUID, a hash) is kept.
    static func maskDigitRuns(_ bytes: [UInt8], minimumLength: Int, requireBareToken: Bool) -> [UInt8]? {
        var out: [UInt8] = []
        var copied = 0
        var i = 0
        while i < bytes.count {
            guard isDigit(bytes[i]) else {
                i += 1
                continue
            }
            var j = i
            while j < bytes.count, isDigit(bytes[j]) { j += 1 }
            if j - i >= minimumLength && !(requireBareToken && isInsideWord(bytes, i, j)) {
                out.append(contentsOf: bytes[copied..<i])
                out.append(contentsOf: "...".utf8)
                out.append(contentsOf: bytes[(j - 3)..<j])
                copied = j
            }
            i = j
        }
        guard copied > 0 else { return nil }
        out.append(contentsOf: bytes[copied...])
        return out
    }

    /// True when the run `start..<end` sits in a word (letters, digits, `-`, `_`) holding a letter.
    private static func isInsideWord(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Bool {
        var i = start
        while i > 0, isKeyByte(bytes[i - 1]) {
            i -= 1
            if isLetter(bytes[i]) { return true }
        }
        var j = end
        while j < bytes.count, isKeyByte(bytes[j]) {
            if isLetter(bytes[j]) { return true }
            j += 1
        }
        return false
    }
}
