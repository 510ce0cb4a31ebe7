import EdgeHTTP
import Synchronization

/// The server's `ResponseStream`: writes hop onto the connection's loop, and suspend while the
/// connection's write queue is over the high watermark, so a client that does not read holds at
/// most about one watermark of memory.
///
/// `isClosed` turns true when the client goes away (the loop sees EOF, a reset or an error) or
/// the server drains for shutdown; `waitUntilClosed` returns then.
public final class ConnectionResponseStream: ResponseStream, Sendable {
    /// The server's configured idle interval for Server-Sent Event heartbeats.
    public let heartbeatInterval: Duration
    private let connection: HTTPConnection
    private let state = Mutex<(closed: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    init(connection: HTTPConnection, heartbeat: Duration) {
        self.connection = connection
        heartbeatInterval = heartbeat
    }

    /// Queues `bytes` as one chunk and flushes it; false once the client is gone.
    @discardableResult
    public func write(_ bytes: [UInt8]) async -> Bool {
        if isClosed { return false }
        let connection = self.connection
        return await withCheckedContinuation { continuation in
            connection.owner.loop.execute { connection.streamWrite(bytes, from: self, continuation) }
        }
    }

    /// True once the client has gone away or the server is shutting down.
    public var isClosed: Bool { state.withLock { $0.closed } }

    /// Suspends until the client goes away or the server shuts down.
    public func waitUntilClosed() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { current -> Bool in
                if current.closed { return true }
                current.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// Marks the stream closed and wakes every `waitUntilClosed`. Called on the loop.
    func markClosed() {
        let waiters = state.withLock { current -> [CheckedContinuation<Void, Never>] in
            if current.closed { return [] }
            current.closed = true
            let taken = current.waiters
            current.waiters = []
            return taken
        }
        for waiter in waiters { waiter.resume() }
    }
}
