import COpenSSL

/// Cryptographically secure random bytes from OpenSSL's DRBG (`RAND_bytes`), seeded by the OS.
///
/// For nonces, keys, session ids, authorization codes and opaque tokens: anything an attacker
/// must not guess.
public enum SecureRandom {
    /// `count` random bytes (none when `count` ≤ 0).
    public static func bytes(_ count: Int) -> [UInt8] {
        guard count > 0 else { return [] }
        var output = [UInt8](repeating: 0, count: count)
        var offset = 0
        while offset < count {
            // RAND_bytes takes an Int32 length; large requests go in chunks.
            let chunk = min(count - offset, 1 << 20)
            let ok = output.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress! + offset, Int32(chunk)) }
            // RAND_bytes fails only when the DRBG cannot be seeded from the OS: handing out
            // predictable bytes for keys and tokens would be worse than stopping, so stop. No
            // input reaches this.
            precondition(ok == 1, "OpenSSL RAND_bytes could not produce secure random bytes")
            offset += chunk
        }
        return output
    }

    /// A random opaque token of `byteCount` random bytes, base64url-encoded without padding
    /// (RFC 4648 §5): safe in URLs, headers, cookies and KV keys. 32 bytes give 256 bits.
    public static func token(byteCount: Int = 32) -> String {
        Base64URL.encode(bytes(byteCount))
    }
}
