/// `WWW-Authenticate: Bearer ...` values (RFC 6750 §3, RFC 9728 §5.1, MCP 2025-11-25 authorization).
public struct BearerChallenge: Sendable, Equatable {
    /// The PRM URL (`resource_metadata`), so clients find the authorization server.
    public var resourceMetadata: String
    /// The scopes to ask for (SHOULD, clients treat it as authoritative).
    public var scopes: [String]
    /// `invalid_token`, `insufficient_scope`, `invalid_request`, or nil when no token was sent.
    public var error: String?
    /// A human explanation (`error_description`).
    public var errorDescription: String?

    /// A challenge from its parts.
    public init(resourceMetadata: String, scopes: [String], error: String? = nil, errorDescription: String? = nil) {
        self.resourceMetadata = resourceMetadata
        self.scopes = scopes
        self.error = error
        self.errorDescription = errorDescription
    }

    /// The header value; quoted-string values escape `"` and `\` (RFC 9110 §5.6.4).
    public var headerValue: String {
        var params: [String] = []
        if let error { params.append("error=" + Self.quote(error)) }
        if let errorDescription { params.append("error_description=" + Self.quote(errorDescription)) }
        params.append("resource_metadata=" + Self.quote(resourceMetadata))
        if !scopes.isEmpty { params.append("scope=" + Self.quote(scopes.joined(separator: " "))) }
        return "Bearer " + params.joined(separator: ", ")
    }

    static func quote(_ text: String) -> String {
        var out = "\""
        for c in text where c.asciiValue.map({ $0 >= 0x20 && $0 < 0x7F }) ?? false {
            if c == "\"" || c == "\\" { out.append("\\") }
            out.append(c)
        }
        return out + "\""
    }
}
