import EdgeCrypto

/// The keys of the OAuth layer, each derived by HKDF-SHA256 (RFC 5869) from the one
/// `COOKIE_ENCRYPTION_KEY` secret with its own `info`, so that no key serves two purposes.
public struct OAuthKeys: Sendable {
    /// AES-256-GCM key of the approval cookie.
    let cookie: [UInt8]
    /// HMAC key of the Schwab `state` and the approval form's signed request.
    let state: [UInt8]
    /// AES-256-GCM key hiding the PKCE verifier inside the (signed) Schwab state.
    let verifier: [UInt8]
    /// HMAC key of CSRF tokens.
    let csrf: [UInt8]
    /// AES-256-GCM key of Schwab tokens at rest.
    let tokens: [UInt8]

    /// Derives the keys; the secret must be at least 32 characters so it carries 128+ bits.
    public init(cookieEncryptionKey secret: String) throws(AuthError) {
        guard secret.utf8.count >= 32 else {
            throw AuthError(
                .serverError,
                "COOKIE_ENCRYPTION_KEY must be at least 32 characters (received \(secret.utf8.count)); "
                    + "generate one with `openssl rand -hex 32`.")
        }
        func derive(_ info: String) throws(AuthError) -> [UInt8] {
            do {
                return try HKDF.deriveKey(
                    inputKeyMaterial: Array(secret.utf8), salt: Array("schwab-mcp oauth".utf8), info: Array(info.utf8),
                    outputByteCount: 32)
            } catch {
                throw AuthError(.serverError, "key derivation failed: \(error.message)")
            }
        }
        cookie = try derive("approval-cookie v1")
        state = try derive("state-signing v1")
        csrf = try derive("csrf v1")
        verifier = try derive("state-verifier v1")
        tokens = try derive("schwab-tokens-at-rest v1")
    }
}
