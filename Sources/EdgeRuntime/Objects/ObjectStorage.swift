import EdgeKV
import Foundation

/// An object's durable storage, like a Durable Object's `ctx.storage`: get, put, delete, list,
/// kept in KV under the object's own prefix so the object can wake up on any host.
///
/// **Fencing, and why this way.** Every stored value starts with the fencing token of the lease
/// under which it was written (8 bytes, big-endian) and a kind byte (1 value, 0 deleted). A write
/// reads the key, refuses if the stored token is newer than its own (a later holder has written),
/// and writes with `put(ifVersion:)` on the version it read, so the check and the write are one
/// atomic step per key. Checking the lease key before each write instead would leave a gap between
/// the check and the write in which the lease can move. Before touching KV a write also checks
/// that the lease is still valid by the clock, which stops a stale holder without a round trip.
///
/// A delete leaves a tombstone carrying the token (metadata `tombstone`, expiring after a day),
/// because a vanished key has no token to check and would let a stale writer bring it back.
/// Reads are not fenced: a stale read cannot corrupt anything.
public struct ObjectStorage: Sendable {
    /// The object whose storage this is.
    public let address: ObjectAddress
    let kv: any KVBackend
    let namespace: String
    let lease: ObjectLease
    let clock: any RuntimeClock

    static let tombstone = "tombstone"
    static let tombstoneLifetime: Int64 = 86_400
    static let headerSize = 9

    /// Storage for the object `lease` protects.
    public init(lease: ObjectLease, kv: any KVBackend, namespace: String, clock: any RuntimeClock) {
        self.address = lease.address
        self.kv = kv
        self.namespace = namespace
        self.lease = lease
        self.clock = clock
    }

    /// The value under `key`, or nil.
    public func get(_ key: String) async throws(ObjectHostError) -> [UInt8]? {
        let full = try fullKey(key)
        guard let entry = try await read(full), let stored = Self.decode(entry), !stored.deleted else { return nil }
        return stored.value
    }

    /// Stores `value` under `key`, fenced by the object's lease.
    public func put(_ key: String, _ value: [UInt8]) async throws(ObjectHostError) {
        try await write(key, value: value, deleted: false)
    }

    /// Removes `key`; storage that never had it is unchanged.
    public func delete(_ key: String) async throws(ObjectHostError) {
        let full = try fullKey(key)
        guard let entry = try await read(full), let stored = Self.decode(entry), !stored.deleted else { return }
        try await write(key, value: [], deleted: true)
    }

    /// Keys starting with `prefix` and their values, in ascending key order, at most `limit`.
    public func list(
        prefix: String = "", limit: Int = 1000
    ) async throws(ObjectHostError) -> [(
        key: String, value: [UInt8]
    )] {
        var result: [(key: String, value: [UInt8])] = []
        guard limit > 0 else { return result }
        var cursor: String?
        let base = address.storagePrefix
        repeat {
            let page: KVListPage
            do {
                page = try await kv.list(
                    namespace: namespace, prefix: base + prefix, limit: KVLimits.maximumListLimit, cursor: cursor)
            } catch {
                throw ObjectLeaseKeeper.unavailable(address, "list the storage of", error)
            }
            for listed in page.keys where listed.metadata != Self.tombstone {
                let key = String(listed.name.dropFirst(base.count))
                if let value = try await get(key) { result.append((key, value)) }
                if result.count >= limit { return result }
            }
            cursor = page.listComplete ? nil : page.cursor
        } while cursor != nil
        return result
    }

    /// Stores an `Encodable` value as JSON under `key`.
    public func put<Value: Encodable>(_ key: String, json value: Value) async throws(ObjectHostError) {
        let bytes: Data
        do {
            bytes = try JSONEncoder().encode(value)
        } catch {
            throw ObjectHostError(
                .invalidKey, "the value for '\(key)' in \(address) cannot be encoded as JSON: \(error)")
        }
        try await put(key, Array(bytes))
    }

    /// The JSON value under `key` decoded as `type`, or nil when absent.
    public func get<Value: Decodable>(_ key: String, as type: Value.Type) async throws(ObjectHostError) -> Value? {
        guard let bytes = try await get(key) else { return nil }
        do {
            return try JSONDecoder().decode(type, from: Data(bytes))
        } catch {
            throw ObjectHostError(.invalidKey, "the value under '\(key)' in \(address) is not a \(type): \(error)")
        }
    }

    private func write(_ key: String, value: [UInt8], deleted: Bool) async throws(ObjectHostError) {
        let full = try fullKey(key)
        guard lease.isValid(at: clock.nowMilliseconds()) else {
            throw ObjectHostError(
                .fenced, "the lease of \(address) has expired or moved; the write to '\(key)' was refused")
        }
        let bytes = Self.encode(token: lease.token, value: value, deleted: deleted)
        for _ in 0..<16 {
            let current = try await read(full)
            if let current, let stored = Self.decode(current), stored.token > lease.token {
                throw ObjectHostError(
                    .fenced,
                    "'\(key)' in \(address) was written under lease \(stored.token), newer than this host's \(lease.token)"
                )
            }
            do {
                _ = try await kv.put(
                    namespace: namespace, key: full, value: bytes,
                    expiration: deleted ? .ttl(seconds: Self.tombstoneLifetime) : nil,
                    metadata: deleted ? Self.tombstone : nil, ifVersion: current?.version ?? 0)
                return
            } catch let error as KVError where error.code == .conflict {
                continue
            } catch {
                throw ObjectLeaseKeeper.unavailable(address, "write '\(key)' for", error)
            }
        }
        throw ObjectHostError(.storageUnavailable, "'\(key)' in \(address) kept changing under 16 attempts to write it")
    }

    private func read(_ full: String) async throws(ObjectHostError) -> KVEntry? {
        do {
            return try await kv.get(namespace: namespace, key: full)
        } catch {
            throw ObjectLeaseKeeper.unavailable(address, "read storage of", error)
        }
    }

    private func fullKey(_ key: String) throws(ObjectHostError) -> String {
        let full = address.storagePrefix + key
        guard !key.isEmpty, full.utf8.count <= KVLimits.maximumKeyBytes else {
            throw ObjectHostError(
                .invalidKey,
                "storage keys must be 1 to \(KVLimits.maximumKeyBytes - address.storagePrefix.utf8.count) bytes for \(address); '\(key.prefix(40))' is \(key.utf8.count)"
            )
        }
        return full
    }

    static func encode(token: UInt64, value: [UInt8], deleted: Bool) -> [UInt8] {
        var bytes = (0..<8).map { UInt8(truncatingIfNeeded: token >> (56 - 8 * UInt64($0))) }
        bytes.append(deleted ? 0 : 1)
        bytes.append(contentsOf: value)
        return bytes
    }

    static func decode(_ entry: KVEntry) -> (token: UInt64, deleted: Bool, value: [UInt8])? {
        guard entry.value.count >= headerSize else { return nil }
        let token = entry.value.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return (token, entry.value[8] == 0, Array(entry.value.dropFirst(headerSize)))
    }
}
