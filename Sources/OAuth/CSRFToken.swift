import EdgeCrypto
import EdgeHTTP

/// The approval form's CSRF defence: a double-submit token bound to the pending request.
///
/// `GET /authorize` sets a random `csrf` cookie (HttpOnly, SameSite=Strict) and puts
/// HMAC(csrfKey, cookie "." signedRequest) in the form. `POST /authorize` recomputes it from the
/// cookie it receives: another site can neither read our cookie nor set it, so it cannot forge the
/// field, and a token for one pending request does not approve another (OWASP CSRF, "Signed
/// Double-Submit Cookie").
public enum CSRFToken {
    /// The cookie name.
    public static func cookieName(secure: Bool) -> String { secure ? "__Host-mcp-csrf" : "mcp-csrf" }

    /// A fresh cookie value (32 random bytes, base64url).
    public static func makeCookieValue() -> String { SecureRandom.token(byteCount: 32) }

    /// The form field for `cookieValue` and the signed pending request.
    public static func formValue(cookieValue: String, signedRequest: String, key: [UInt8]) -> String {
        Base64URL.encode(HMACSHA256.authenticationCode(for: Array((cookieValue + "." + signedRequest).utf8), key: key))
    }

    /// Whether the posted field matches the cookie and the request, in constant time.
    public static func isValid(formValue: String?, cookieValue: String?, signedRequest: String, key: [UInt8]) -> Bool {
        guard let formValue, let cookieValue, !cookieValue.isEmpty, let mac = Base64URL.decode(formValue) else {
            return false
        }
        return HMACSHA256.isValid(mac, for: Array((cookieValue + "." + signedRequest).utf8), key: key)
    }

    /// The `Set-Cookie` for a fresh value, scoped to `/authorize`.
    public static func setCookie(_ value: String, secure: Bool, lifetime: Int64) -> SetCookie? {
        try? SetCookie(
            name: cookieName(secure: secure), value: value, path: secure ? "/" : "/authorize", maxAge: Int(lifetime),
            httpOnly: true, secure: secure, sameSite: .strict)
    }
}
