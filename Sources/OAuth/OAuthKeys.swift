import SchwabAuth

/// The keys of the OAuth layer, each derived from the one `COOKIE_ENCRYPTION_KEY` secret with its
/// own purpose (`KeyDerivation`), so that no key serves two purposes.
public struct OAuthKeys: Sendable {
    /// AES-256-GCM key of the approval cookie.
    let cookie: [UInt8]
    /// HMAC key of the Schwab `state` and the approval form's signed request.
    let state: [UInt8]
    /// AES-256-GCM key hiding the PKCE verifier inside the (signed) Schwab state.
    let verifier: [UInt8]
    /// HMAC key of CSRF tokens.
    let csrf: [UInt8]
    /// AES-256-GCM key of Schwab tokens at rest, handed to `SchwabTokenStore`.
    public let tokens: SchwabTokenKey

    /// Derives the keys; the secret must be at least 32 characters so it carries 128+ bits.
    public init(cookieEncryptionKey secret: String) throws(AuthError) {
        cookie = try KeyDerivation.key(from: secret, info: "approval-cookie v1")
        state = try KeyDerivation.key(from: secret, info: "state-signing v1")
        csrf = try KeyDerivation.key(from: secret, info: "csrf v1")
        verifier = try KeyDerivation.key(from: secret, info: "state-verifier v1")
        tokens = try SchwabTokenKey(cookieEncryptionKey: secret)
    }
}
