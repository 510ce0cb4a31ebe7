import EdgeCore
import EdgeCrypto
import SchwabAuth

/// A client we know: registered dynamically (RFC 7591) or described by a client ID metadata
/// document (MCP 2025-11-25 "Client ID Metadata Documents").
public struct RegisteredClient: Sendable, Equatable {
    /// The client id: random for registered clients, the document URL for CIMD clients.
    public let clientId: String
    /// A name to show on the approval page.
    public let clientName: String?
    /// The redirect URIs, each valid under `RedirectURIRules`.
    public let redirectURIs: [String]
    /// `none`, `client_secret_post` or `client_secret_basic` (RFC 7591 §2).
    public let tokenEndpointAuthMethod: String
    /// SHA-256 of the client secret (base64url), for confidential clients; the secret itself is
    /// shown once in the registration response and never stored.
    public let secretHash: String?
    /// Registration time, seconds since the epoch.
    public let issuedAt: Int64

    /// A client from its parts.
    public init(
        clientId: String, clientName: String?, redirectURIs: [String], tokenEndpointAuthMethod: String,
        secretHash: String?, issuedAt: Int64
    ) {
        self.clientId = clientId
        self.clientName = clientName
        self.redirectURIs = redirectURIs
        self.tokenEndpointAuthMethod = tokenEndpointAuthMethod
        self.secretHash = secretHash
        self.issuedAt = issuedAt
    }

    /// The stored JSON form.
    var json: JSONValue {
        var fields: [(String, JSONValue)] = [
            ("client_id", .string(clientId)), ("redirect_uris", .array(redirectURIs.map { .string($0) })),
            ("token_endpoint_auth_method", .string(tokenEndpointAuthMethod)), ("issued_at", .int(Int(issuedAt))),
        ]
        if let clientName { fields.append(("client_name", .string(clientName))) }
        if let secretHash { fields.append(("secret_hash", .string(secretHash))) }
        return .object(fields)
    }

    /// Reads the stored JSON form.
    init?(json: JSONValue) {
        guard let id = json["client_id"]?.stringValue, let uris = json["redirect_uris"]?.arrayValue,
            let method = json["token_endpoint_auth_method"]?.stringValue, let issued = json["issued_at"]?.intValue
        else { return nil }
        self.init(
            clientId: id, clientName: json["client_name"]?.stringValue, redirectURIs: uris.compactMap(\.stringValue),
            tokenEndpointAuthMethod: method, secretHash: json["secret_hash"]?.stringValue, issuedAt: Int64(issued))
    }

    /// Checks the client's credentials at `/token` or `/revoke` (RFC 6749 §2.3.1): public clients
    /// send none; confidential ones the secret, compared by hash in constant time.
    public func authenticate(secret: String?) throws(AuthError) {
        guard let secretHash else { return }
        guard let secret else {
            throw AuthError(.invalidClient, "this client registered with a secret; send client_secret.")
        }
        guard ConstantTime.equals(Base64URL.encode(SHA256.hash(secret)), secretHash) else {
            throw AuthError(.invalidClient, "client authentication failed: the client secret is wrong.")
        }
    }
}
