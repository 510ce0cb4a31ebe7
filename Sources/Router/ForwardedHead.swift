import EdgeHTTP
import EdgeRuntime

/// Turns a client's request into what a host receives, and a host's response head into what the
/// client receives: the header rules of a proxy, pure.
///
/// Hop-by-hop fields belong to one connection and are not forwarded (RFC 9110 §7.6.1):
/// `Connection` and every field it names, `Keep-Alive`, `Proxy-Connection`, `TE`, `Trailer`,
/// `Transfer-Encoding`, `Upgrade`. Message framing is recomputed at each hop (RFC 9112 §6), so
/// `Content-Length` is rewritten for the whole body the router collected. Two more rules keep
/// the host's trust boundary: `Authorization` and `Proxy-Authorization` stay at the router
/// (objects get ids in props, never credentials), and no `X-Runtime-*` field from a client
/// passes, so a client cannot pose as the router. Nor do the fields proxies and gateways use to
/// vouch for a user or an origin (`Forwarded`, `X-Forwarded-*`, `X-Real-IP`, `X-Remote-User`,
/// `X-User-Id`, ...): the router is the edge, the identity is in the props, and a later reader of
/// such a field must not be fooled by what a client wrote.
public enum ForwardedHead {
    /// Fields removed at every hop (RFC 9110 §7.6.1), lowercase.
    public static let hopByHop: Set<String> = [
        "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
    ]
    /// Fields that carry the client's credentials, which never leave the router.
    public static let credentials: Set<String> = ["authorization", "proxy-authorization"]
    /// Fields that claim an identity or an origin on someone's behalf, lowercase.
    public static let identityClaims: Set<String> = [
        "forwarded", "x-real-ip", "x-client-ip", "true-client-ip", "remote-user", "x-remote-user", "x-user-id",
        "x-auth-user", "x-authenticated-user", "x-forwarded-user", "x-forwarded-email",
    ]
    /// The prefix of `X-Forwarded-For`, `-Host`, `-Proto` and the like.
    public static let forwardedPrefix = "x-forwarded-"
    /// The prefix of fields only the router may set.
    public static let reservedPrefix = "x-runtime-"

    /// The head a host receives for `request`, addressed to the object, with `props`.
    public static func request(
        _ request: HTTPRequest, objectClass: String, objectID: String, props: [String: String]
    ) -> RuntimeRequestHead {
        let named = connectionNamed(request.headers)
        var headers = HTTPHeaders()
        for field in request.headers {
            let name = field.name.lowercased()
            if hopByHop.contains(name) || named.contains(name) || credentials.contains(name) { continue }
            if name == "content-length" || name.hasPrefix(reservedPrefix) { continue }
            if identityClaims.contains(name) || name.hasPrefix(forwardedPrefix) { continue }
            headers.add(field.name, field.value)
        }
        if !request.body.isEmpty { headers.add("Content-Length", String(request.body.count)) }
        var head = request.head
        head.headers = headers
        return RuntimeRequestHead(
            head: head, objectClass: objectClass, objectID: objectID, props: props,
            remoteAddress: request.remoteAddress)
    }

    /// The response fields a client receives from a host's head: hop-by-hop and framing removed
    /// (the router's encoder frames the body itself).
    public static func response(_ headers: HTTPHeaders) -> HTTPHeaders {
        let named = connectionNamed(headers)
        var kept = HTTPHeaders()
        for field in headers {
            let name = field.name.lowercased()
            if hopByHop.contains(name) || named.contains(name) || name == "content-length" { continue }
            kept.add(field.name, field.value)
        }
        return kept
    }

    /// The field names listed in `Connection` (RFC 9110 §7.6.1), lowercase.
    static func connectionNamed(_ headers: HTTPHeaders) -> Set<String> {
        var names = Set<String>()
        for value in headers.values("Connection") {
            for token in value.split(separator: ",") { names.insert(String(token.trimmingSpaces).lowercased()) }
        }
        return names
    }
}
