import EdgeCore
import EdgeHTTP
import OAuth

/// The router's OAuth side with `auth = "oauth"`: the authorization server's routes it answers
/// itself, and the bearer check in front of every MCP request.
///
/// `props(for:)` is the contract with the hosts: ids only, never a token (the host reads them as
/// `MCPObjectIdentity`). The props travel beside the request head, not in its headers, and
/// `ForwardedHead` drops `Authorization` and every field that could pose as the router or as an
/// identity, so a client can only ever be the user its token names.
struct OAuthGate: Sendable {
    /// Discovery, registration, authorize, callback, token, revoke.
    let routes: RoutedResponder
    /// The check on MCP requests.
    let bearer: BearerAuthenticator

    init(endpoints: OAuthEndpoints) {
        routes = endpoints.responder
        bearer = endpoints.bearer
    }

    /// The props the user's object receives for a request the token `props` authorized.
    static func props(for props: GrantProps) -> [String: String] {
        var out = [
            "userId": props.objectId, "authMode": "oauth", "clientId": props.clientId, "grantId": props.grantId,
            "scopes": props.scopes.joined(separator: " "),
        ]
        if let schwabUserId = props.schwabUserId { out["schwabUserId"] = schwabUserId }
        return out
    }

    /// The CORS preflight of an MCP endpoint (browsers send it without credentials, so it is
    /// answered here, before the bearer check).
    static func preflight() -> HTTPResponse {
        var response = HTTPResponse(status: .noContent)
        response.headers.set("Access-Control-Allow-Origin", "*")
        response.headers.set("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS")
        response.headers.set(
            "Access-Control-Allow-Headers",
            "Authorization, Content-Type, Accept, Mcp-Session-Id, MCP-Protocol-Version, Last-Event-ID")
        response.headers.set("Access-Control-Expose-Headers", "Mcp-Session-Id, WWW-Authenticate")
        response.headers.set("Access-Control-Max-Age", "600")
        return response
    }

    /// Lets a browser-based client read a refusal's challenge (WHATWG Fetch: only exposed headers
    /// reach script), so it can find the resource metadata and start the sign-in. The refusal holds
    /// no data, so any origin may read it.
    static func exposeChallenge(_ response: inout HTTPResponse) {
        response.headers.set("Access-Control-Allow-Origin", "*")
        response.headers.set("Access-Control-Expose-Headers", "WWW-Authenticate")
    }
}
