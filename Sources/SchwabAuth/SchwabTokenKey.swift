/// The AES-256-GCM key that seals Schwab tokens at rest in KV.
///
/// Its own type so that what stores Schwab tokens (the session hosts, `login`) needs only this
/// key, not the authorization server's cookie, state and CSRF keys.
public struct SchwabTokenKey: Sendable {
    /// The key bytes.
    let bytes: [UInt8]

    /// Derives the key from `COOKIE_ENCRYPTION_KEY` (the same derivation as before the split, so
    /// tokens sealed earlier still open).
    public init(cookieEncryptionKey secret: String) throws(AuthError) {
        bytes = try KeyDerivation.key(from: secret, info: "schwab-tokens-at-rest v1")
    }
}
