import EdgeCore
import EdgeCrypto
import SchwabAuth

/// A JSON payload that travels through the browser and must come back unaltered and in time:
/// `base64url(JSON) "." base64url(HMAC-SHA256(purpose "." payload))`.
///
/// Carries the Schwab `state` (the original authorization request and our PKCE verifier, as the
/// seed's "State Parameter Structure" describes) and the approval form's pending request. The
/// purpose is inside the MAC so a token made for one use is refused for another. `exp` (seconds
/// since the epoch) is inside the payload; the caller's clock decides.
public enum SignedEnvelope {
    /// Signs `fields` plus `exp` = `now + lifetime`.
    public static func seal(
        _ fields: [(String, JSONValue)], purpose: String, key: [UInt8], now: Int64, lifetime: Int64
    ) -> String {
        let payload = JSONValue.object(fields + [("exp", .int(Int(now + lifetime)))])
        let body = Base64URL.encode(payload.jsonBytes)
        let mac = HMACSHA256.authenticationCode(for: Array((purpose + "." + body).utf8), key: key)
        return body + "." + Base64URL.encode(mac)
    }

    /// Checks the MAC and expiry and returns the payload; `kind` is the error kind to raise.
    public static func open(
        _ token: String, purpose: String, key: [UInt8], now: Int64, kind: AuthError.Kind = .stateValidation
    ) throws(AuthError) -> JSONValue {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let mac = Base64URL.decode(String(parts[1])),
            let body = Base64URL.decode(String(parts[0]))
        else {
            throw AuthError(kind, "The \(purpose) value is malformed; start the sign-in again from your MCP client.")
        }
        guard HMACSHA256.isValid(mac, for: Array((purpose + "." + String(parts[0])).utf8), key: key) else {
            throw AuthError(kind, "The \(purpose) value was altered or not issued here; start the sign-in again.")
        }
        guard let payload = try? JSONValue.parse(body), let exp = payload["exp"]?.intValue else {
            throw AuthError(kind, "The \(purpose) value is malformed; start the sign-in again from your MCP client.")
        }
        guard Int64(exp) > now else {
            throw AuthError(kind, "The \(purpose) value expired (10 minutes); start the sign-in again.")
        }
        return payload
    }
}
