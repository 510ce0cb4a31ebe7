import EdgeCore

/// The discovery documents: authorization server metadata (RFC 8414 §2) and protected resource
/// metadata (RFC 9728 §2), built from one `OAuthSettings` so the issuer string is identical in both
/// (RFC 8414 §3.3; the MCP Python SDK compares them byte for byte).
public enum ServerMetadata {
    /// `/.well-known/oauth-authorization-server`.
    public static func authorizationServer(_ settings: OAuthSettings) -> JSONValue {
        let issuer = settings.issuer
        return .object([
            ("issuer", .string(issuer)),
            ("authorization_endpoint", .string(issuer + "/authorize")),
            ("token_endpoint", .string(issuer + "/token")),
            ("registration_endpoint", .string(issuer + "/register")),
            ("revocation_endpoint", .string(issuer + "/revoke")),
            ("response_types_supported", ["code"]),
            ("response_modes_supported", ["query"]),
            ("grant_types_supported", ["authorization_code", "refresh_token"]),
            ("token_endpoint_auth_methods_supported", ["none", "client_secret_post", "client_secret_basic"]),
            ("revocation_endpoint_auth_methods_supported", ["none", "client_secret_post", "client_secret_basic"]),
            ("code_challenge_methods_supported", ["S256"]),
            ("scopes_supported", .array(settings.supportedScopes.map { .string($0) })),
            ("authorization_response_iss_parameter_supported", true),
            ("client_id_metadata_document_supported", .bool(settings.clientMetadataDocuments)),
        ])
    }

    /// `/.well-known/oauth-protected-resource[/<path>]`: the resource is the base URL, or the MCP
    /// URL for a per-path document (RFC 9728 §3.1); nil for a path we do not serve.
    public static func protectedResource(_ settings: OAuthSettings, path: String) -> JSONValue? {
        let resource: String
        if path.isEmpty || path == "/" {
            resource = settings.issuer
        } else if settings.resourcePaths.contains(path) {
            resource = settings.issuer + path
        } else {
            return nil
        }
        return .object([
            ("resource", .string(resource)),
            ("authorization_servers", [.string(settings.issuer)]),
            ("scopes_supported", .array(settings.supportedScopes.map { .string($0) })),
            ("bearer_methods_supported", ["header"]),
            ("resource_name", "Schwab MCP"),
        ])
    }

    /// The PRM URL for an MCP path, as the 401 challenge names it (RFC 9728 §5.1).
    public static func protectedResourceURL(_ settings: OAuthSettings, forPath path: String) -> String {
        let known = settings.resourcePaths.first { path == $0 || path.hasPrefix($0 + "/") }
        return settings.issuer + "/.well-known/oauth-protected-resource" + (known ?? "")
    }
}
