import EdgeRuntime
import MCP

/// MCP session records kept in a durable object's own storage, so that a session outlives the
/// host that created it: after a host dies the object activates on the next host, reads the
/// record back and the client carries on without a new `initialize` (MCP spec 2025-11-25,
/// basic/transports "Session Management": the server keeps the session until it ends it).
///
/// `ObjectStorage` is `Sendable` and fenced by the object's lease, so this store may be used from
/// a streamed body outside the object's mailbox; a write after the lease moved is refused.
struct ObjectSessionStore: MCPSessionStore {
    /// The object's storage.
    let storage: ObjectStorage

    /// The record under `key`.
    func get(_ key: String) async throws -> [UInt8]? { try await storage.get(key) }

    /// Stores the record under `key`.
    func put(_ key: String, _ value: [UInt8]) async throws { try await storage.put(key, value) }

    /// Removes the record under `key`; a missing one is not an error.
    func delete(_ key: String) async throws { try await storage.delete(key) }
}
