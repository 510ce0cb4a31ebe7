import EdgeCore
import Synchronization

/// A session as it lives in this process: the protocol state plus what cannot be persisted
/// (tasks of calls in flight, server requests awaiting answers, SSE channels).
///
/// Thread-safe: everything sits behind one `Mutex`; continuations are resumed outside it.
final class LiveSession: Sendable {
    typealias Reply = CheckedContinuation<Result<JSONValue, JSONRPCError>, Never>

    struct State {
        var session: MCPSession
        var savedRevision: Int
        var tasks: [JSONRPCID: Task<JSONRPCMessage, Never>] = [:]
        var waiting: [JSONRPCID: Reply] = [:]
        var channels: [String: SSEChannel] = [:]
        var channelOrder: [String] = []
        var nextStream = 0
        var cancelledCalls = 0
        var earlyCancels: Set<JSONRPCID> = []
    }

    let id: String
    let state: Mutex<State>

    init(_ session: MCPSession, saved: Bool) {
        id = session.id
        state = Mutex(State(session: session, savedRevision: saved ? session.revision : -1))
    }

    var session: MCPSession { state.withLock { $0.session } }

    /// True when dropping this session from memory loses nothing: a saved Streamable HTTP
    /// session with no call running, no question pending and no open stream.
    var isEvictable: Bool {
        state.withLock { s in
            s.session.transport == "streamable-http" && s.savedRevision == s.session.revision && s.tasks.isEmpty
                && s.waiting.isEmpty && s.channels.values.allSatisfy { $0.attachedConnections == 0 }
        }
    }

    /// Feeds one client message to the state machine.
    func receive(_ message: JSONRPCMessage, server: MCPServerInfo) -> MCPSession.Action {
        state.withLock { $0.session.receive(message, server: server) }
    }

    /// The record to save when it changed since the last save, marking it saved.
    func recordToSave() -> JSONValue? {
        state.withLock { s in
            guard s.session.revision != s.savedRevision else { return nil }
            s.savedRevision = s.session.revision
            return s.session.record
        }
    }

    /// Marks the record as not saved (the store refused it).
    func markUnsaved() { state.withLock { $0.savedRevision = -1 } }

    /// Adds a channel, forgetting the oldest closed ones beyond `limit`.
    func addChannel(prefix: String, replayCapacity: Int, numbered: Bool = true, limit: Int = 32) -> SSEChannel {
        state.withLock { s in
            s.nextStream += 1
            let key = prefix == "g" || prefix == "legacy" ? prefix : "\(prefix)\(s.nextStream)"
            if let existing = s.channels[key] { return existing }
            let channel = SSEChannel(key: key, replayCapacity: replayCapacity, numbered: numbered)
            s.channels[key] = channel
            s.channelOrder.append(key)
            while s.channelOrder.count > limit,
                let index = s.channelOrder.firstIndex(where: { s.channels[$0]?.isClosed ?? true })
            {
                s.channels.removeValue(forKey: s.channelOrder.remove(at: index))
            }
            return channel
        }
    }

    func channel(_ key: String) -> SSEChannel? { state.withLock { $0.channels[key] } }

    /// Cancels the call with this id; true when one was running.
    /// A cancellation that arrives before the call's task exists is remembered and applied
    /// when the task starts.
    func cancel(_ id: JSONRPCID) -> Bool {
        let task = state.withLock { s -> Task<JSONRPCMessage, Never>? in
            s.cancelledCalls += 1
            guard let task = s.tasks[id] else {
                s.earlyCancels.insert(id)
                return nil
            }
            return task
        }
        task?.cancel()
        return task != nil
    }

    /// Records the task running call `id`, cancelling it at once if the client already asked.
    func start(_ id: JSONRPCID, _ task: Task<JSONRPCMessage, Never>) {
        let early = state.withLock { s in
            s.tasks[id] = task
            return s.earlyCancels.remove(id) != nil
        }
        if early { task.cancel() }
    }

    /// Forgets the task of call `id` and marks the call finished.
    func finish(_ id: JSONRPCID) {
        state.withLock { s in
            s.tasks.removeValue(forKey: id)
            s.earlyCancels.remove(id)
            s.session.finish(id)
        }
    }

    /// Ends the session: cancels its calls, fails its waiting requests, closes its channels.
    func end() {
        let (tasks, waiting, channels) = state.withLock { s in
            s.session.close()
            let result = (Array(s.tasks.values), Array(s.waiting.values), Array(s.channels.values))
            s.tasks.removeAll()
            s.waiting.removeAll()
            return result
        }
        for task in tasks { task.cancel() }
        for waiter in waiting { waiter.resume(returning: .failure(.invalidRequest("the session has ended"))) }
        for channel in channels { channel.close() }
    }

    /// Sends a server-to-client request on `channel` (an SSE stream or the stdio output) and
    /// awaits the answer; a cancelled call stops waiting with an error.
    func request(
        method: String, params: JSONValue, on channel: any MCPMessageSink
    ) async -> Result<JSONValue, JSONRPCError> {
        let id = state.withLock { $0.session.beginOutgoing(method: method) }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: Reply) in
                let registered = state.withLock { s -> Bool in
                    guard s.session.outgoing[id] != nil, !Task.isCancelled else { return false }
                    s.waiting[id] = continuation
                    return true
                }
                guard registered else {
                    continuation.resume(
                        returning: .failure(JSONRPCError(code: JSONRPCError.requestCancelledCode, message: "cancelled"))
                    )
                    return
                }
                if !channel.publish(.request(id: id, method: method, params: params)) {
                    deliver(id, .failure(.invalidRequest("the stream has closed")))
                }
            }
        } onCancel: {
            deliver(id, .failure(JSONRPCError(code: JSONRPCError.requestCancelledCode, message: "cancelled")))
        }
    }

    /// Hands an answer to the server request awaiting it.
    func deliver(_ id: JSONRPCID, _ result: Result<JSONValue, JSONRPCError>) {
        let waiter = state.withLock { s -> Reply? in
            s.session.abandonOutgoing(id)
            return s.waiting.removeValue(forKey: id)
        }
        waiter?.resume(returning: result)
    }
}
