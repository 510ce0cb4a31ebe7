import EdgeCore
import EdgeHTTP
import Synchronization

/// One logical SSE stream of a session (a POST's reply stream, the GET stream, or the legacy
/// `/sse` stream): messages are logged with ids `<key>-<sequence>` and pumped to whichever HTTP
/// connection is attached, so a client that reconnects with `Last-Event-ID` misses nothing still
/// in the log (MCP spec 2025-11-25, basic/transports "Resumability and Redelivery").
///
/// Thread-safe: all state sits behind one `Mutex`; waiters are resumed outside the lock.
public final class SSEChannel: Sendable {
    /// The stream's key inside its session (`g`, `p7`, `legacy`).
    public let key: String
    /// Whether events carry `id:` fields (the legacy transport has no resumption).
    public let numbered: Bool

    private struct State {
        var log: SSEEventLog
        var closed = false
        var detachAt: Int?
        var attached = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter = 0
    }
    private let state: Mutex<State>

    /// A channel keeping `replayCapacity` events for replay.
    public init(key: String, replayCapacity: Int, numbered: Bool = true) {
        self.key = key
        self.numbered = numbered
        state = Mutex(State(log: SSEEventLog(capacity: replayCapacity)))
    }

    /// The event id of sequence number `sequence` on this channel.
    public func eventID(_ sequence: Int) -> String { "\(key)-\(sequence)" }

    /// Splits an event id into its channel key and sequence number.
    public static func parseEventID(_ text: String) -> (key: String, sequence: Int)? {
        guard let dash = text.lastIndex(of: "-"), let sequence = Int(text[text.index(after: dash)...]), sequence >= 0
        else { return nil }
        return (String(text[..<dash]), sequence)
    }

    /// Logs a message event; false once the channel is closed.
    @discardableResult
    public func publish(_ message: JSONRPCMessage) -> Bool {
        publish(event: "message", data: String(decoding: message.bytes, as: UTF8.self))
    }

    /// Logs an event with this type and data (and `retry:` when given); false once closed.
    @discardableResult
    public func publish(event: String?, data: String, retry: Int? = nil) -> Bool {
        let (accepted, woken) = state.withLock { s -> (Bool, [CheckedContinuation<Void, Never>]) in
            guard !s.closed else { return (false, []) }
            _ = s.log.append { sequence in
                ServerSentEvent(id: numbered ? eventID(sequence) : nil, event: event, data: data, retry: retry).encoded
            }
            return (true, takeWaiters(&s))
        }
        for waiter in woken { waiter.resume() }
        return accepted
    }

    /// Ends the channel: attached pumps send what is left and finish.
    public func close() {
        let woken = state.withLock { s in
            s.closed = true
            return takeWaiters(&s)
        }
        for waiter in woken { waiter.resume() }
    }

    /// Ends the HTTP connection once it has delivered what is logged now, without ending the
    /// channel (SSE polling): the client reconnects with `Last-Event-ID` and a new connection
    /// carries on from there.
    public func detachCurrent() {
        let woken = state.withLock { s in
            s.detachAt = s.log.lastSequence
            return takeWaiters(&s)
        }
        for waiter in woken { waiter.resume() }
    }

    private func wakeAll() {
        let woken = state.withLock { takeWaiters(&$0) }
        for waiter in woken { waiter.resume() }
    }

    /// Whether the channel is closed.
    public var isClosed: Bool { state.withLock { $0.closed } }

    /// How many HTTP connections are pumping this channel now.
    public var attachedConnections: Int { state.withLock { $0.attached } }

    /// The newest sequence number.
    public var lastSequence: Int { state.withLock { $0.log.lastSequence } }

    private func takeWaiters(_ s: inout State) -> [CheckedContinuation<Void, Never>] {
        let waiters = Array(s.waiters.values)
        s.waiters.removeAll()
        return waiters
    }

    /// Writes every logged event after `sequence` to `stream`, then follows new ones until the
    /// channel closes, the client goes away or `detachCurrent` is called; sends a comment
    /// heartbeat after each idle `heartbeat`.
    ///
    /// With `watchClient`, a departing client wakes the pump at once instead of at the next
    /// heartbeat (for long-lived GET and legacy streams, whose end also ends a session).
    public func pump(
        to stream: any ResponseStream, after sequence: Int, heartbeat: Duration, watchClient: Bool = false
    ) async {
        var last = sequence
        state.withLock { $0.attached += 1 }
        let watcher: Task<Void, Never>? =
            watchClient
            ? Task { [weak self] in
                await stream.waitUntilClosed()
                self?.wakeAll()
            } : nil
        defer {
            watcher?.cancel()
            state.withLock { $0.attached -= 1 }
        }
        while true {
            let (next, closed, detachAt) = state.withLock { s in (s.log.event(after: last), s.closed, s.detachAt) }
            // A connection attached before the detach point ends once it has sent that event.
            if let detachAt, sequence < detachAt, last >= detachAt { return }
            if let next {
                guard await stream.write(next.bytes) else { return }
                last = next.sequence
                continue
            }
            if closed || stream.isClosed { return }
            let woke = await waitForChange(after: last, detachAt: detachAt, timeout: heartbeat)
            if !woke, !(await stream.write(ServerSentEvent.comment("heartbeat"))) { return }
        }
    }

    /// Suspends until something is published, the channel closes or detaches, or `timeout`
    /// passes; returns false on timeout.
    private func waitForChange(after sequence: Int, detachAt: Int?, timeout: Duration) async -> Bool {
        func changed(_ s: State) -> Bool { s.closed || s.detachAt != detachAt || s.log.lastSequence > sequence }
        var timer: Task<Void, Never>?
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            // Registered before the timer exists, so the timer always finds the waiter it must wake.
            let id = state.withLock { s -> Int? in
                if changed(s) { return nil }
                s.nextWaiter += 1
                s.waiters[s.nextWaiter] = continuation
                return s.nextWaiter
            }
            guard let id else {
                continuation.resume()
                return
            }
            timer = Task {
                try? await Task.sleep(for: timeout)
                let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
                waiter?.resume()
            }
        }
        timer?.cancel()
        return state.withLock { changed($0) }
    }
}
