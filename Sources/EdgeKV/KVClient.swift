import Synchronization

/// The KV service's client for the other processes: async calls, pipelined over one Unix socket.
///
/// Many tasks may call at once; their requests share the connection and are matched to answers
/// by id. The client reconnects by itself: when the service is down a call fails at once with
/// `KVError(.unavailable, "KV service is not reachable at <socket>: ...")` (no waiting, no retry
/// loop), and the first call after the service is back opens a new connection, so callers never
/// need to recreate the client. A request whose write fails is retried once on a fresh
/// connection (the service never saw it); a request the service may have executed is never
/// retried, so a put is never applied twice.
public final class KVClient: KVBackend {
    /// The socket the service listens on.
    public let socketPath: String
    private let state = Mutex(State())

    private struct State: ~Copyable {
        var connection: KVClientConnection?
        var nextID: UInt64 = 1
    }

    /// The executor of the thread that reads every KV answer in this process.
    ///
    /// A task that runs many KV calls in a row (a benchmark, a migration, a hot request path) may
    /// run with `withTaskExecutorPreference(KVClient.taskExecutor)` or
    /// `group.addTask(executorPreference: KVClient.taskExecutor)`: each answer then resumes it on
    /// the reader thread itself instead of handing it to another thread, saving one wake-up per
    /// call. Such a task shares that thread with every other KV caller, so it must not block.
    public static var taskExecutor: any TaskExecutor { KVClientReactor.shared }

    /// A client for the service at `socketPath`; nothing connects until the first call.
    public init(socketPath: String) {
        self.socketPath = socketPath
    }

    deinit {
        state.withLock { $0.connection?.shutdown() }
    }

    /// The live entry under `key`, or nil when absent or expired (see `KVBackend.get`).
    public func get(namespace: String, key: String) async throws -> KVEntry? {
        try KVLimits.check(namespace: namespace, key: key)
        guard case .entry(let entry) = try await call(.get(namespace: namespace, key: key)) else {
            throw Self.unexpected("get")
        }
        return entry
    }

    /// Writes `value` under `key` and returns its new version; throws `.conflict` when
    /// `ifVersion` is given and stale (see `KVBackend.put`). Limits are checked before sending.
    public func put(
        namespace: String, key: String, value: [UInt8], expiration: KVExpiration? = nil, metadata: String? = nil,
        ifVersion: UInt64? = nil
    ) async throws -> UInt64 {
        try KVLimits.check(namespace: namespace, key: key)
        try KVLimits.check(valueCount: value.count, metadata: metadata)
        let request = KVRequest.put(
            namespace: namespace, key: key, value: value, expiration: expiration, metadata: metadata,
            ifVersion: ifVersion)
        guard case .version(let version) = try await call(request) else { throw Self.unexpected("put") }
        return version
    }

    /// Removes `key`; returns whether a live entry was removed (see `KVBackend.delete`).
    public func delete(namespace: String, key: String, ifVersion: UInt64? = nil) async throws -> Bool {
        try KVLimits.check(namespace: namespace, key: key)
        guard case .deleted(let deleted) = try await call(.delete(namespace: namespace, key: key, ifVersion: ifVersion))
        else { throw Self.unexpected("delete") }
        return deleted
    }

    /// One page of names by prefix, ascending, continuing after `cursor` (see `KVBackend.list`).
    public func list(
        namespace: String, prefix: String = "", limit: Int = KVLimits.maximumListLimit, cursor: String? = nil
    ) async throws -> KVListPage {
        try KVLimits.check(listNamespace: namespace, prefix: prefix, limit: limit, cursor: cursor)
        let request = KVRequest.list(namespace: namespace, prefix: prefix, limit: limit, cursor: cursor)
        guard case .page(let page) = try await call(request) else { throw Self.unexpected("list") }
        return page
    }

    /// Round-trips a no-op: succeeds when the service is up and answering.
    public func ping() async throws {
        guard case .pong = try await call(.ping) else { throw Self.unexpected("ping") }
    }

    /// Sends `request` and waits for its answer; a `.failure` answer is thrown as its `KVError`.
    public func call(_ request: KVRequest) async throws -> KVResult {
        var retried = false
        while true {
            let (connection, id) = try connectionAndID()
            let frame = KVWire.encode(KVRequestFrame(id: id, request: request))
            do {
                let payload = try await withCheckedThrowingContinuation { continuation in
                    connection.submit(id: id, frame: frame, continuation: continuation)
                }
                let result = try KVWire.decodeResponse(payload).result
                if case .failure(let error) = result { throw error }
                return result
            } catch let failure as KVClientConnection.SendFailure {
                if retried { throw failure.error }
                retried = true
            }
        }
    }

    /// The live connection (opening one when there is none or the last one ended) and a fresh id.
    private func connectionAndID() throws(KVError) -> (KVClientConnection, UInt64) {
        try state.withLock { state throws(KVError) in
            let id = state.nextID
            state.nextID &+= 1
            if let connection = state.connection, !connection.isClosed { return (connection, id) }
            let fd = try UnixSocket.connect(path: socketPath)
            let connection = try KVClientConnection(fd: fd, socketPath: socketPath)
            state.connection = connection
            return (connection, id)
        }
    }

    private static func unexpected(_ operation: String) -> KVError {
        KVError(.protocolError, "the KV service answered \(operation) with a result of another kind")
    }
}
