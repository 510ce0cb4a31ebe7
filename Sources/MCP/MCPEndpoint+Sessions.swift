import EdgeCore
import EdgeCrypto
import EdgeHTTP

extension MCPEndpoint {
    /// A fresh session id: 24 random bytes in base64url, all visible ASCII (MCP spec
    /// 2025-11-25, basic/transports "Session Management").
    static func newSessionID() -> String { SecureRandom.token(byteCount: 24) }

    func storeKey(_ id: String) -> String { configuration.keyPrefix + id }

    /// Registers a session created here.
    func register(_ live: LiveSession) {
        sessions.withLock { $0[live.id] = live }
        trimLiveSessions()
    }

    /// Drops idle saved sessions from memory while more than `maxLiveSessions` live here.
    func trimLiveSessions() {
        let limit = max(1, configuration.maxLiveSessions)
        sessions.withLock { table in
            guard table.count > limit else { return }
            for (id, live) in table where table.count > limit && live.isEvictable { table.removeValue(forKey: id) }
        }
    }

    /// The live session `id` of `user`: from memory, else from the store (a session created on
    /// another host); nil when unknown, ended, damaged or another user's.
    func lookup(_ id: String, user: String) async -> LiveSession? {
        if let live = sessions.withLock({ $0[id] }) {
            let session = live.session
            return session.user == user && session.state != .closed ? live : nil
        }
        guard let record = try? await configuration.store.getJSON(storeKey(id)),
            let session = MCPSession(record: record), session.id == id, session.user == user,
            session.state != .closed, session.transport == "streamable-http"
        else { return nil }
        let live = sessions.withLock { table in
            if let raced = table[id] { return raced }
            let live = LiveSession(session, saved: true)
            table[id] = live
            return live
        }
        trimLiveSessions()
        return live
    }

    /// Saves the session record when it changed.
    func persist(_ live: LiveSession) async {
        try? await save(live)
    }

    /// Saves the session record when it changed; on failure it stays marked unsaved, so the
    /// next change tries again.
    func save(_ live: LiveSession) async throws {
        guard let record = live.recordToSave() else { return }
        do {
            try await configuration.store.putJSON(storeKey(live.id), record)
        } catch {
            live.markUnsaved()
            configuration.logger?.warn(
                "an MCP session record could not be saved; the session will not survive a host failure",
                [("error", .string(String(describing: error)))])
            throw error
        }
    }

    /// Ends a session here and in the store.
    func terminate(_ live: LiveSession) async {
        live.end()
        _ = sessions.withLock { $0.removeValue(forKey: live.id) }
        try? await configuration.store.delete(storeKey(live.id))
    }

    /// How many sessions live in this process.
    public var liveSessionCount: Int { sessions.withLock { $0.count } }
}
