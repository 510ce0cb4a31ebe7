import EdgeCrypto

/// The one way a key is made from the `COOKIE_ENCRYPTION_KEY` secret: HKDF-SHA256 (RFC 5869)
/// with a fixed salt and a purpose-specific `info`, so that no key serves two purposes and the
/// authorization server's keys and the Schwab token key come from the same secret independently.
public enum KeyDerivation {
    /// A 32-byte key for `info`; the secret must be at least 32 characters so it carries 128+ bits.
    public static func key(from secret: String, info: String) throws(AuthError) -> [UInt8] {
        guard secret.utf8.count >= 32 else {
            throw AuthError(
                .serverError,
                "COOKIE_ENCRYPTION_KEY must be at least 32 characters (received \(secret.utf8.count)); "
                    + "generate one with `openssl rand -hex 32`.")
        }
        do {
            return try HKDF.deriveKey(
                inputKeyMaterial: Array(secret.utf8), salt: Array("schwab-mcp oauth".utf8), info: Array(info.utf8),
                outputByteCount: 32)
        } catch {
            throw AuthError(.serverError, "key derivation failed: \(error.message)")
        }
    }
}
