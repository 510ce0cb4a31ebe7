import EdgeCore
import EdgeCrypto
import SchwabAuth

/// Dynamic client registration (RFC 7591 §2-3) as a pure validator: request JSON in, a client and
/// the response JSON out.
public enum ClientRegistration {
    /// The largest registration body we read.
    public static let maximumBodyBytes = 16 * 1024

    /// What a successful registration yields: the client to store and the response to send
    /// (which alone carries the plain client secret, RFC 7591 §3.2.1).
    public struct Outcome: Sendable {
        /// The client record.
        public let client: RegisteredClient
        /// The RFC 7591 §3.2.1 response body.
        public let response: JSONValue
    }

    /// Validates `body` and mints a client id (and a secret when a secret method is asked).
    public static func register(body: [UInt8], now: Int64, idleLifetime: Int64) throws(AuthError) -> Outcome {
        guard body.count <= maximumBodyBytes else {
            throw AuthError(.invalidClientMetadata, "registration metadata is larger than 16 KiB.")
        }
        guard let json = try? JSONValue.parse(body), json.objectValue != nil else {
            throw AuthError(.invalidClientMetadata, "the registration body must be a JSON object (RFC 7591 §3.1).")
        }
        guard let uriValues = json["redirect_uris"]?.arrayValue, !uriValues.isEmpty else {
            throw AuthError(.invalidRedirectURI, "redirect_uris must be a non-empty array of URLs (RFC 7591 §2).")
        }
        var uris: [String] = []
        for value in uriValues {
            guard let uri = value.stringValue else {
                throw AuthError(.invalidRedirectURI, "each redirect URI must be a string.")
            }
            try RedirectURIRules.validate(uri)
            uris.append(uri)
        }
        let method = json["token_endpoint_auth_method"]?.stringValue ?? "client_secret_basic"
        guard ["none", "client_secret_post", "client_secret_basic"].contains(method) else {
            throw AuthError(
                .invalidClientMetadata,
                "token_endpoint_auth_method '\(method)' is not supported; use none, client_secret_post or client_secret_basic."
            )
        }
        if let grants = json["grant_types"]?.arrayValue {
            for grant in grants.compactMap(\.stringValue)
            where grant != "authorization_code" && grant != "refresh_token" {
                throw AuthError(
                    .invalidClientMetadata, "grant_types may hold authorization_code and refresh_token, not '\(grant)'."
                )
            }
        }
        if let types = json["response_types"]?.arrayValue, types.contains(where: { $0.stringValue != "code" }) {
            throw AuthError(.invalidClientMetadata, "response_types may only hold 'code'.")
        }
        let name = json["client_name"]?.stringValue.map { String($0.prefix(100)) }
        let clientId = "mcp_" + SecureRandom.token(byteCount: 16)
        let secret = method == "none" ? nil : SecureRandom.token(byteCount: 32)
        let client = RegisteredClient(
            clientId: clientId, clientName: name, redirectURIs: uris, tokenEndpointAuthMethod: method,
            secretHash: secret.map { Base64URL.encode(SHA256.hash($0)) }, issuedAt: now)
        var response: [(String, JSONValue)] = [
            ("client_id", .string(clientId)), ("client_id_issued_at", .int(Int(now))),
            ("redirect_uris", .array(uris.map { .string($0) })), ("token_endpoint_auth_method", .string(method)),
            ("grant_types", ["authorization_code", "refresh_token"]), ("response_types", ["code"]),
        ]
        if let name { response.append(("client_name", .string(name))) }
        if let secret {
            response.append(("client_secret", .string(secret)))
            // The secret lives as long as the registration: renewed on use, gone after idleLifetime unused.
            response.append(("client_secret_expires_at", .int(0)))
        }
        if let scope = json["scope"]?.stringValue { response.append(("scope", .string(scope))) }
        return Outcome(client: client, response: .object(response))
    }
}
