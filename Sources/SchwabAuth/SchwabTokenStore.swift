import EdgeCore
import EdgeCrypto
import EdgeKV

/// Schwab's tokens in KV, encrypted at rest with AES-256-GCM (seed "KV Token Store").
///
/// Key `token:<schwabUserId>`, falling back to `token:<clientId>` before the user id is known.
/// Loading follows the seed's migration exactly: try the user id key, then the client id key; when
/// found under the client id, copy it to the user id key and delete the old key. Entries live 31
/// days from their last write. The key name is the associated data, so a value copied under
/// another user's key does not decrypt.
public struct SchwabTokenStore: Sendable {
    /// The 31-day TTL of the seed.
    public static let timeToLive: Int64 = 31 * 86_400

    let kv: any KVBackend
    let namespace: String
    let key: [UInt8]

    /// A store in `namespace` sealing with `key`.
    public init(kv: any KVBackend, namespace: String, key: SchwabTokenKey) {
        self.kv = kv
        self.namespace = namespace
        self.key = key.bytes
    }

    /// The KV key for an id.
    public static func kvKey(_ id: String) -> String { "token:" + id }

    /// Saves under the user id when known, else under the client id.
    public func save(_ tokens: SchwabTokens, schwabUserId: String?, clientId: String) async throws(AuthError) {
        let name = Self.kvKey(schwabUserId ?? clientId)
        let sealed: [UInt8]
        do {
            sealed = try AESGCM.seal(tokens.json.jsonBytes, key: key, associatedData: Array(name.utf8))
        } catch {
            throw AuthError(.serverError, "could not encrypt Schwab tokens: \(error.message)")
        }
        do {
            _ = try await kv.put(
                namespace: namespace, key: name, value: sealed, expiration: .ttl(seconds: Self.timeToLive),
                metadata: nil, ifVersion: nil)
        } catch { throw AuthError.storage(error) }
    }

    /// Loads the tokens, migrating a client-id entry to the user id key (seed "Migration Pattern").
    public func load(schwabUserId: String?, clientId: String) async throws(AuthError) -> SchwabTokens? {
        if let schwabUserId, let tokens = try await read(Self.kvKey(schwabUserId)) { return tokens }
        guard let tokens = try await read(Self.kvKey(clientId)) else { return nil }
        if let schwabUserId, schwabUserId != clientId {
            try await save(tokens, schwabUserId: schwabUserId, clientId: clientId)
            do {
                _ = try await kv.delete(namespace: namespace, key: Self.kvKey(clientId), ifVersion: nil)
            } catch { throw AuthError.storage(error) }
        }
        return tokens
    }

    /// Deletes the user's tokens (both keys).
    public func delete(schwabUserId: String?, clientId: String) async throws(AuthError) {
        do {
            if let schwabUserId {
                _ = try await kv.delete(namespace: namespace, key: Self.kvKey(schwabUserId), ifVersion: nil)
            }
            _ = try await kv.delete(namespace: namespace, key: Self.kvKey(clientId), ifVersion: nil)
        } catch { throw AuthError.storage(error) }
    }

    private func read(_ name: String) async throws(AuthError) -> SchwabTokens? {
        let entry: KVEntry?
        do { entry = try await kv.get(namespace: namespace, key: name) } catch { throw AuthError.storage(error) }
        guard let entry else { return nil }
        guard let plain = try? AESGCM.open(entry.value, key: key, associatedData: Array(name.utf8)),
            let json = try? JSONValue.parse(plain), let tokens = SchwabTokens(json: json)
        else {
            throw AuthError(
                .tokenRefresh,
                "The stored Schwab sign-in cannot be read (COOKIE_ENCRYPTION_KEY changed?). Sign in again.")
        }
        return tokens
    }
}
