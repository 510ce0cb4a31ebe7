/// Base64url without padding (RFC 4648 §5): the form for tokens, ids, JWT-like values, PKCE.
public enum Base64URL {
    private static let codec = Base64Codec("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

    /// Encodes with the URL- and filename-safe alphabet and no `=` padding (RFC 7636 §4.2 form).
    public static func encode(_ bytes: [UInt8]) -> String { codec.encode(bytes, padding: false) }

    /// Decodes with or without padding; nil on any character outside the alphabet, whitespace,
    /// an impossible length or non-zero unused bits.
    public static func decode(_ text: String) -> [UInt8]? { codec.decode(text) }
}
