import COpenSSL

/// HMAC with SHA-256 (RFC 2104, FIPS 198-1) through OpenSSL.
///
/// Signs the Schwab OAuth `state` and the approval cookie's integrity; verification goes through
/// `ConstantTime.equals` so a forged tag cannot be found byte by byte.
public enum HMACSHA256 {
    /// The tag length in bytes.
    public static let byteCount = 32

    /// The 32-byte HMAC-SHA256 of `message` under `key` (any key length, RFC 2104 §2).
    public static func authenticationCode(for message: [UInt8], key: [UInt8]) -> [UInt8] {
        var tag = [UInt8](repeating: 0, count: byteCount)
        var length: UInt32 = 0
        let result = key.withUnsafeBytes { k in
            message.withUnsafeBytes { m in
                tag.withUnsafeMutableBufferPointer { out in
                    // A zero-length key or message may have a nil base address; HMAC accepts a
                    // non-nil pointer with length 0, so hand it a valid empty one.
                    withUnsafeBytes(of: UInt8(0)) { empty in
                        HMAC(
                            EVP_sha256(), k.baseAddress ?? empty.baseAddress, Int32(k.count),
                            (m.baseAddress ?? empty.baseAddress)?.assumingMemoryBound(to: UInt8.self), m.count,
                            out.baseAddress, &length)
                    }
                }
            }
        }
        // HMAC fails only when the digest provider is unavailable (never for any input).
        precondition(result != nil && length == UInt32(byteCount), "OpenSSL HMAC-SHA256 is unavailable")
        return tag
    }

    /// HMAC-SHA256 of the UTF-8 bytes of `message`.
    public static func authenticationCode(for message: String, key: [UInt8]) -> [UInt8] {
        authenticationCode(for: Array(message.utf8), key: key)
    }

    /// Whether `code` is the HMAC-SHA256 of `message` under `key`, compared in constant time.
    ///
    /// A truncated tag (RFC 2104 §5, RFC 4231 §4.6) is accepted when it is at least 16 bytes and
    /// equals the same-length prefix of the full tag; anything shorter is refused, since a short
    /// tag is easy to forge.
    public static func isValid(_ code: [UInt8], for message: [UInt8], key: [UInt8]) -> Bool {
        guard code.count >= 16 && code.count <= byteCount else { return false }
        let expected = authenticationCode(for: message, key: key)
        return ConstantTime.equals(Array(expected.prefix(code.count)), code)
    }
}
