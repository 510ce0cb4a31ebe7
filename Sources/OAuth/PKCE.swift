import EdgeCrypto
import SchwabAuth

/// Proof Key for Code Exchange with the S256 method only (RFC 7636; OAuth 2.1 §4.1.1 and MCP
/// 2025-11-25 require S256, so `plain` is refused).
public enum PKCE {
    /// Checks a `code_challenge` and its method at the authorize step (RFC 7636 §4.2-4.3).
    ///
    /// The challenge is base64url(SHA-256(verifier)) without padding: exactly 43 characters.
    public static func validateChallenge(_ challenge: String?, method: String?) throws(AuthError) {
        guard let challenge, !challenge.isEmpty else {
            throw AuthError(.invalidRequest, "code_challenge is required: PKCE with S256 is mandatory (RFC 7636).")
        }
        guard let method, method == "S256" else {
            throw AuthError(
                .invalidRequest,
                "code_challenge_method must be S256; '\(method ?? "plain")' is not accepted (OAuth 2.1 §4.1.1).")
        }
        guard challenge.utf8.count == 43, Base64URL.decode(challenge)?.count == 32 else {
            throw AuthError(
                .invalidRequest, "code_challenge must be the 43-character base64url SHA-256 of the verifier.")
        }
    }

    /// Checks a `code_verifier` against the stored challenge (RFC 7636 §4.6), in constant time.
    public static func verify(verifier: String?, challenge: String) throws(AuthError) {
        guard let verifier else {
            throw AuthError(.invalidGrant, "code_verifier is required (RFC 7636 §4.5).")
        }
        guard isWellFormedVerifier(verifier) else {
            throw AuthError(
                .invalidGrant, "code_verifier must be 43-128 characters of [A-Za-z0-9-._~] (RFC 7636 §4.1).")
        }
        guard ConstantTime.equals(challengeFor(verifier: verifier), challenge) else {
            throw AuthError(.invalidGrant, "code_verifier does not match the code_challenge (RFC 7636 §4.6).")
        }
    }

    /// base64url(SHA-256(verifier)), the S256 transformation (RFC 7636 §4.2).
    public static func challengeFor(verifier: String) -> String { Base64URL.encode(SHA256.hash(verifier)) }

    /// A fresh 43-character verifier (32 random bytes, base64url), for our own requests to Schwab.
    public static func makeVerifier() -> String { Base64URL.encode(SecureRandom.bytes(32)) }

    /// Whether `text` is 43-128 unreserved characters (RFC 7636 §4.1).
    public static func isWellFormedVerifier(_ text: String) -> Bool {
        let count = text.utf8.count
        guard count >= 43 && count <= 128 else { return false }
        return text.utf8.allSatisfy { b in
            (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x2D || b == 0x2E
                || b == 0x5F || b == 0x7E
        }
    }
}
