import EdgeCore
import Synchronization

/// Where an MCP endpoint keeps its session records: per-object storage, which the runtime backs
/// with the KV service so that a session outlives the host that created it.
public protocol MCPSessionStore: Sendable {
    /// The bytes under `key`, or nil.
    func get(_ key: String) async throws -> [UInt8]?
    /// Stores `value` under `key`, replacing what was there.
    func put(_ key: String, _ value: [UInt8]) async throws
    /// Removes `key`; removing a missing key is not an error.
    func delete(_ key: String) async throws
}

extension MCPSessionStore {
    /// The JSON value under `key`; nil when missing or not JSON.
    public func getJSON(_ key: String) async throws -> JSONValue? {
        guard let bytes = try await get(key) else { return nil }
        return try? JSONValue.parse(bytes)
    }

    /// Stores a JSON value under `key`.
    public func putJSON(_ key: String, _ value: JSONValue) async throws { try await put(key, value.jsonBytes) }
}

/// A session store in memory, for tests and single-process development; it shares nothing
/// across processes, so it proves failover only between endpoints of one process.
public final class InMemorySessionStore: MCPSessionStore {
    private let entries = Mutex<[String: [UInt8]]>([:])

    /// An empty store.
    public init() {}

    /// The bytes under `key`.
    public func get(_ key: String) async throws -> [UInt8]? { entries.withLock { $0[key] } }
    /// Stores bytes under `key`.
    public func put(_ key: String, _ value: [UInt8]) async throws { entries.withLock { $0[key] = value } }
    /// Removes `key`.
    public func delete(_ key: String) async throws { _ = entries.withLock { $0.removeValue(forKey: key) } }
    /// How many keys are stored.
    public var count: Int { entries.withLock { $0.count } }
}
