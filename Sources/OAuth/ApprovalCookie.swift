import EdgeCore
import EdgeCrypto
import EdgeHTTP
import SchwabAuth

/// The approval cookie: the client ids this browser approved, sealed with AES-256-GCM so it can be
/// neither read nor forged (seed: "Approval Cookie Flow").
///
/// Value: base64url(nonce || ciphertext || tag) of `{"clients":[...],"exp":N}`; the cookie name is
/// the associated data, so a value moved to another cookie fails. A tampered, truncated or expired
/// value reads as "no approvals", which only means the page is shown again.
public struct ApprovalCookie: Sendable, Equatable {
    /// The cookie name (`__Host-` prefixed when Secure, RFC 6265bis §4.1.3.2).
    public static func name(secure: Bool) -> String { secure ? "__Host-mcp-approved" : "mcp-approved" }
    /// At most this many clients are remembered (the oldest are dropped).
    public static let maximumClients = 20

    /// Approved client ids, oldest first.
    public private(set) var clientIds: [String]

    /// A cookie approving `clientIds`.
    public init(clientIds: [String] = []) { self.clientIds = clientIds }

    /// Whether the browser approved `clientId` before.
    public func approves(_ clientId: String) -> Bool { clientIds.contains(clientId) }

    /// Adds a client, dropping the oldest past the limit.
    public mutating func approve(_ clientId: String) {
        clientIds.removeAll { $0 == clientId }
        clientIds.append(clientId)
        if clientIds.count > Self.maximumClients { clientIds.removeFirst(clientIds.count - Self.maximumClients) }
    }

    /// Reads the cookie from a request; nil when absent, tampered or expired.
    public static func read(from request: HTTPRequest, key: [UInt8], secure: Bool, now: Int64) -> ApprovalCookie? {
        guard let value = request.cookies[name(secure: secure)] else { return nil }
        return open(value, key: key, secure: secure, now: now)
    }

    /// Opens a sealed value; nil when it fails authentication, is malformed or expired.
    public static func open(_ value: String, key: [UInt8], secure: Bool, now: Int64) -> ApprovalCookie? {
        guard let sealed = Base64URL.decode(value),
            let plain = try? AESGCM.open(sealed, key: key, associatedData: Array(name(secure: secure).utf8)),
            let json = try? JSONValue.parse(plain), let exp = json["exp"]?.intValue, Int64(exp) > now,
            let list = json["clients"]?.arrayValue
        else { return nil }
        return ApprovalCookie(clientIds: list.compactMap(\.stringValue))
    }

    /// The sealed value.
    public func seal(key: [UInt8], secure: Bool, now: Int64, lifetime: Int64) throws(AuthError) -> String {
        let json = JSONValue.object([
            ("clients", .array(clientIds.map { .string($0) })), ("exp", .int(Int(now + lifetime))),
        ])
        do {
            return Base64URL.encode(
                try AESGCM.seal(json.jsonBytes, key: key, associatedData: Array(Self.name(secure: secure).utf8)))
        } catch {
            throw AuthError(.serverError, "could not seal the approval cookie: \(error.message)")
        }
    }

    /// The `Set-Cookie`: HttpOnly, SameSite=Lax (it must ride the top-level redirect back to
    /// `/authorize`), Secure when served over HTTPS, Path=/.
    public func setCookie(key: [UInt8], secure: Bool, now: Int64, lifetime: Int64) throws(AuthError) -> SetCookie {
        let value = try seal(key: key, secure: secure, now: now, lifetime: lifetime)
        do {
            return try SetCookie(
                name: Self.name(secure: secure), value: value, path: "/", maxAge: Int(lifetime), httpOnly: true,
                secure: secure, sameSite: .lax)
        } catch {
            throw AuthError(.serverError, "could not build the approval cookie: \(error.message)")
        }
    }
}
