/// The shared engine of `Base64` and `Base64URL`: one alphabet, strict decoding.
///
/// Strict means: only alphabet characters, then at most the right number of `=`; no whitespace;
/// a length that can be the encoding of whole bytes; and zero unused bits in the last character
/// (RFC 4648 §3.5), so that every byte string has exactly one accepted encoding. That matters
/// for tokens compared as text.
struct Base64Codec: Sendable {
    private let alphabet: [UInt8]
    private let reverse: [UInt8]

    init(_ alphabet: String) {
        self.alphabet = Array(alphabet.utf8)
        var reverse = [UInt8](repeating: 0xFF, count: 256)
        for (value, character) in self.alphabet.enumerated() { reverse[Int(character)] = UInt8(value) }
        self.reverse = reverse
    }

    func encode(_ bytes: [UInt8], padding: Bool) -> String {
        var out = [UInt8]()
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index + 3 <= bytes.count {
            let n = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            out += [sextet(n >> 18), sextet(n >> 12), sextet(n >> 6), sextet(n)]
            index += 3
        }
        switch bytes.count - index {
        case 1:
            let n = UInt32(bytes[index]) << 16
            out += [sextet(n >> 18), sextet(n >> 12)]
            if padding { out += [0x3D, 0x3D] }
        case 2:
            let n = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
            out += [sextet(n >> 18), sextet(n >> 12), sextet(n >> 6)]
            if padding { out.append(0x3D) }
        default:
            break
        }
        return String(decoding: out, as: UTF8.self)
    }

    func decode(_ text: String) -> [UInt8]? {
        var input = Array(text.utf8)
        // Strip `=` padding; when present it must complete the last group of four exactly.
        var padCount = 0
        while input.last == 0x3D {
            input.removeLast()
            padCount += 1
        }
        if padCount > 0 && (padCount > 2 || (input.count + padCount) % 4 != 0) { return nil }
        if input.count % 4 == 1 { return nil }

        var out = [UInt8]()
        out.reserveCapacity(input.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for character in input {
            let value = reverse[Int(character)]
            if value == 0xFF { return nil }
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                accumulator &= (1 << UInt32(bits)) - 1
            }
        }
        // Leftover bits must be zero, or two encodings would decode to the same bytes.
        if accumulator != 0 { return nil }
        return out
    }

    private func sextet(_ value: UInt32) -> UInt8 { alphabet[Int(value & 0x3F)] }
}
