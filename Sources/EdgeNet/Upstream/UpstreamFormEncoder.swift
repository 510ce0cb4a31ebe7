/// The `application/x-www-form-urlencoded` serializer of the WHATWG URL standard (§5.2).
///
/// Bytes of the UTF-8 encoding stay as they are when they are ASCII alphanumerics or one of
/// `*-._`; a space becomes `+`; every other byte becomes `%XX` with uppercase hex. Pairs are
/// joined with `&` and names and values with `=`.
enum UpstreamFormEncoder {
    /// Serializes `fields` in order.
    static func encode(_ fields: [(String, String)]) -> String {
        fields.map { encodeComponent($0.0) + "=" + encodeComponent($0.1) }.joined(separator: "&")
    }

    /// Serializes one name or value.
    static func encodeComponent(_ text: String) -> String {
        var out = [UInt8]()
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "*"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "_"):
                out.append(byte)
            case UInt8(ascii: " "):
                out.append(UInt8(ascii: "+"))
            default:
                out.append(UInt8(ascii: "%"))
                out.append(hexDigit(byte >> 4))
                out.append(hexDigit(byte & 0x0F))
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "A") + nibble - 10
    }
}
