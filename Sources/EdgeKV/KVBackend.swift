/// What the rest of the runtime needs from a key-value store: Workers KV's operations plus
/// compare-and-swap.
///
/// `KVClient` implements it over the local KV service. The interface is narrow on purpose: etcd
/// offers the same operations natively (leases for TTLs, transactions for compare-and-swap), so a
/// second backend can take over when a deployment outgrows one machine (DESIGN.md, "Beyond one box").
public protocol KVBackend: Sendable {
    /// The live entry under `key`, or nil when it is absent or expired.
    func get(namespace: String, key: String) async throws -> KVEntry?

    /// Writes `value` under `key` and returns the key's new version.
    ///
    /// With `ifVersion`, the write happens only when the key's current version equals it (0 means
    /// "must not exist"); otherwise it throws `KVError` with code `.conflict`.
    func put(
        namespace: String, key: String, value: [UInt8], expiration: KVExpiration?, metadata: String?,
        ifVersion: UInt64?
    ) async throws -> UInt64

    /// Removes `key`; returns whether a live entry was removed. With `ifVersion`, removes only when
    /// the current version equals it and throws `.conflict` otherwise.
    func delete(namespace: String, key: String, ifVersion: UInt64?) async throws -> Bool

    /// Names starting with `prefix`, ascending, at most `limit` (1...1000) per page, continuing
    /// after `cursor` when given.
    func list(namespace: String, prefix: String, limit: Int, cursor: String?) async throws -> KVListPage
}

extension KVBackend {
    /// Writes a UTF-8 text value; see `put(namespace:key:value:expiration:metadata:ifVersion:)`.
    public func put(
        namespace: String, key: String, text: String, expiration: KVExpiration? = nil, metadata: String? = nil,
        ifVersion: UInt64? = nil
    ) async throws -> UInt64 {
        try await put(
            namespace: namespace, key: key, value: Array(text.utf8), expiration: expiration, metadata: metadata,
            ifVersion: ifVersion)
    }
}
