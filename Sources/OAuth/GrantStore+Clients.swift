import EdgeCore
import SchwabAuth

extension GrantStore {
    /// Stores a registered client; it expires after `clientIdleLifetime` unless used.
    public func saveClient(_ client: RegisteredClient) async throws(AuthError) {
        try await put("client:" + client.clientId, client.json, ttl: settings.clientIdleLifetime)
    }

    /// A registered client by id, or nil when unknown or expired.
    public func registeredClient(id: String) async throws(AuthError) -> RegisteredClient? {
        guard id.utf8.count <= 256, let entry = try await get("client:" + id),
            let json = try? JSONValue.parse(entry.value)
        else { return nil }
        return RegisteredClient(json: json)
    }

    /// Renews a client's idle lifetime (called when it obtains tokens).
    public func touchClient(_ client: RegisteredClient) async throws(AuthError) {
        guard !ClientMetadataDocument.isDocumentURL(client.clientId) else { return }
        try await saveClient(client)
    }
}
