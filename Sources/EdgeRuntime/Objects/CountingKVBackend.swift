import EdgeKV

/// A `KVBackend` that counts the calls it passes on, so a host can report its KV traffic.
struct CountingKVBackend: KVBackend {
    let base: any KVBackend
    let counters: ObjectHostCounters

    func get(namespace: String, key: String) async throws -> KVEntry? {
        counters.kvCallCount.add(1, ordering: .relaxed)
        return try await base.get(namespace: namespace, key: key)
    }

    func put(
        namespace: String, key: String, value: [UInt8], expiration: KVExpiration?, metadata: String?,
        ifVersion: UInt64?
    ) async throws -> UInt64 {
        counters.kvCallCount.add(1, ordering: .relaxed)
        return try await base.put(
            namespace: namespace, key: key, value: value, expiration: expiration, metadata: metadata,
            ifVersion: ifVersion)
    }

    func delete(namespace: String, key: String, ifVersion: UInt64?) async throws -> Bool {
        counters.kvCallCount.add(1, ordering: .relaxed)
        return try await base.delete(namespace: namespace, key: key, ifVersion: ifVersion)
    }

    func list(namespace: String, prefix: String, limit: Int, cursor: String?) async throws -> KVListPage {
        counters.kvCallCount.add(1, ordering: .relaxed)
        return try await base.list(namespace: namespace, prefix: prefix, limit: limit, cursor: cursor)
    }
}
