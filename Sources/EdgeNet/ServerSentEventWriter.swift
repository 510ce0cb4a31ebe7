import EdgeHTTP
import Synchronization

/// Writes Server-Sent Events to a response stream and keeps the stream alive with comment
/// heartbeats whenever nothing was written for `heartbeatInterval` (WHATWG HTML §9.2.7 suggests
/// a comment every 15 s or so against proxies that drop idle connections; the default is 25 s).
///
/// Use `serve(stream:heartbeatInterval:_:)`: it runs the heartbeat beside the body closure and
/// stops it when the closure returns or the client goes away.
public final class ServerSentEventWriter: Sendable {
    /// The stream the events go to.
    public let stream: any ResponseStream
    /// The idle time after which a heartbeat comment is sent.
    public let heartbeatInterval: Duration
    private let lastWrite = Mutex<ContinuousClock.Instant>(.now)

    /// A writer over `stream`; nil `heartbeatInterval` takes the server's configured interval.
    public init(stream: any ResponseStream, heartbeatInterval: Duration? = nil) {
        self.stream = stream
        self.heartbeatInterval =
            heartbeatInterval ?? (stream as? ConnectionResponseStream)?.heartbeatInterval ?? .seconds(25)
    }

    /// Sends one event (with its `id:` and `retry:` when set), flushed at once; false when the
    /// client has gone away.
    @discardableResult
    public func send(_ event: ServerSentEvent) async -> Bool {
        await sendRaw(event.encoded)
    }

    /// Sends a comment line (`: text`, WHATWG HTML §9.2.6), which clients ignore.
    @discardableResult
    public func comment(_ text: String) async -> Bool {
        await sendRaw(ServerSentEvent.comment(text))
    }

    /// True once the client has gone away or the server is shutting down.
    public var isClosed: Bool { stream.isClosed }

    private func sendRaw(_ bytes: [UInt8]) async -> Bool {
        lastWrite.withLock { $0 = .now }
        return await stream.write(bytes)
    }

    /// Sends a heartbeat each time the stream has been idle for the interval, until the stream
    /// closes or the task is cancelled.
    public func runHeartbeats() async {
        while !stream.isClosed && !Task.isCancelled {
            let due = lastWrite.withLock { $0 } + heartbeatInterval
            if ContinuousClock.now >= due {
                if !(await comment("heartbeat")) { return }
                continue
            }
            do { try await Task.sleep(until: due, clock: .continuous) } catch { return }
        }
    }

    /// Runs `body` with a writer over `stream`, sending heartbeats while it runs; returns when
    /// `body` returns (the response then ends cleanly) or, with heartbeats stopped, when the
    /// client goes away and `body` notices.
    public static func serve(
        stream: any ResponseStream, heartbeatInterval: Duration? = nil,
        _ body: @escaping @Sendable (ServerSentEventWriter) async -> Void
    ) async {
        let writer = ServerSentEventWriter(stream: stream, heartbeatInterval: heartbeatInterval)
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await writer.runHeartbeats() }
            await body(writer)
            group.cancelAll()
        }
    }
}
