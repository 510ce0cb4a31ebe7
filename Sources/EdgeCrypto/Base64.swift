/// Standard Base64 with padding (RFC 4648 §4): HTTP Basic credentials (RFC 7617 §2) and PEM.
public enum Base64 {
    private static let codec = Base64Codec("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")

    /// Encodes with the standard alphabet and `=` padding.
    public static func encode(_ bytes: [UInt8]) -> String { codec.encode(bytes, padding: true) }

    /// Encodes the UTF-8 bytes of `text` (for `Authorization: Basic`).
    public static func encode(_ text: String) -> String { encode(Array(text.utf8)) }

    /// Decodes with or without padding; nil on anything but the standard alphabet.
    public static func decode(_ text: String) -> [UInt8]? { codec.decode(text) }
}
