import Synchronization

/// One proxied HTTP exchange on a `RuntimeConnection`, as either end sees it.
///
/// The router opens it (`RuntimeConnection.openStream`) and sends the request body with
/// `write(_:)` and `finish()`, then reads the response with `responseHead()` and `readChunk()`.
/// The host receives it (`RuntimeConnection.Callbacks.onStream`), reads the request body with
/// `readChunk()` or `readBody(limit:)`, and answers with `sendHead(_:)`, `write(_:)` and
/// `finish()`. Either side may `cancel` (RFC 9113 §6.4 RST_STREAM's role).
///
/// Back-pressure both ways, per stream (RFC 9113 §6.9): `write` suspends while more than the
/// connection's watermark of this stream's bytes waits for the peer's credit, and credit goes back
/// to the peer only as `readChunk()` hands chunks to the consumer, so a stalled reader stops its
/// own sender and no other stream.
///
/// Thread-safe: received data sits behind a `Mutex`; every send hops onto the connection's loop,
/// in call order. One task reads at a time.
public final class RuntimeStream: Sendable {
    /// The stream's number on its connection.
    public let id: UInt32
    /// The request: sent (router side) or received (host side), with the object and props.
    public let request: RuntimeRequestHead
    /// The flags of the `requestHead` frame (`.reconnect`).
    public let flags: RuntimeFrameFlags
    let connection: RuntimeConnection
    private let inbound = Mutex(Inbound())

    struct Inbound {
        var head: RuntimeResponseHead?
        var chunks: [[UInt8]] = []
        var ended = false
        var failure: RuntimeTransportError?
        var headWaiter: CheckedContinuation<Result<RuntimeResponseHead, RuntimeTransportError>, Never>?
        var chunkWaiter: CheckedContinuation<Result<[UInt8]?, RuntimeTransportError>, Never>?
        var closeWaiters: [CheckedContinuation<Void, Never>] = []
    }

    init(id: UInt32, request: RuntimeRequestHead, flags: RuntimeFrameFlags, connection: RuntimeConnection) {
        self.id = id
        self.request = request
        self.flags = flags
        self.connection = connection
    }

    // MARK: Receiving

    /// Router: waits for the response head; throws when the host cancels (`cancelCode`
    /// `RuntimeCancel.notOwner`: try the next host) or the connection dies first.
    public func responseHead() async throws(RuntimeTransportError) -> RuntimeResponseHead {
        let result = await withCheckedContinuation {
            (waiter: CheckedContinuation<Result<RuntimeResponseHead, RuntimeTransportError>, Never>) in
            let now: Result<RuntimeResponseHead, RuntimeTransportError>? = inbound.withLock { s in
                if let head = s.head { return .success(head) }
                if let failure = s.failure { return .failure(failure) }
                if s.headWaiter != nil {
                    return .failure(
                        RuntimeTransportError(.cancelled, "stream \(id): responseHead() is already awaited"))
                }
                s.headWaiter = waiter
                return nil
            }
            if let now { waiter.resume(returning: now) }
        }
        return try result.get()
    }

    /// The next body chunk the peer sent, or nil once its half ended; throws if the stream was
    /// cancelled or the connection closed. Taking a chunk grants its bytes back as credit.
    public func readChunk() async throws(RuntimeTransportError) -> [UInt8]? {
        let result = await withCheckedContinuation {
            (waiter: CheckedContinuation<Result<[UInt8]?, RuntimeTransportError>, Never>) in
            let now: Result<[UInt8]?, RuntimeTransportError>? = inbound.withLock { s in
                if !s.chunks.isEmpty { return .success(s.chunks.removeFirst()) }
                if let failure = s.failure { return .failure(failure) }
                if s.ended { return .success(nil) }
                if s.chunkWaiter != nil {
                    return .failure(RuntimeTransportError(.cancelled, "stream \(id): another task is already reading"))
                }
                s.chunkWaiter = waiter
                return nil
            }
            if let now { waiter.resume(returning: now) }
        }
        let chunk = try result.get()
        if let chunk, !chunk.isEmpty { connection.consumed(chunk.count, on: id) }
        return chunk
    }

    /// Reads the peer's whole body; more than `limit` bytes cancels the stream (`.cancelled`,
    /// code `RuntimeCancel.protocolError`) so a runaway body cannot exhaust memory.
    public func readBody(limit: Int) async throws(RuntimeTransportError) -> [UInt8] {
        var body: [UInt8] = []
        while let chunk = try await readChunk() {
            guard body.count + chunk.count <= limit else {
                let message = "stream \(id): body exceeds the \(limit)-byte limit"
                cancel(code: RuntimeCancel.protocolError, message: message)
                throw RuntimeTransportError(.cancelled, message, cancelCode: RuntimeCancel.protocolError)
            }
            body.append(contentsOf: chunk)
        }
        return body
    }

    /// The peer's body chunks as an `AsyncSequence` (the same single reader as `readChunk()`).
    public var chunks: Chunks { Chunks(stream: self) }

    /// The peer's body chunks, one per `next()`, until its end.
    public struct Chunks: AsyncSequence, Sendable {
        let stream: RuntimeStream
        /// Reads chunk after chunk.
        public struct AsyncIterator: AsyncIteratorProtocol {
            let stream: RuntimeStream
            /// The next chunk, or nil at the end.
            public mutating func next() async throws -> [UInt8]? { try await stream.readChunk() }
        }
        /// An iterator over the stream's chunks.
        public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(stream: stream) }
    }

    /// True once the stream was cancelled (by either side) or its connection closed: a writer
    /// should stop (a host's SSE body sees the client gone).
    public var isClosed: Bool { inbound.withLock { $0.failure != nil } }

    /// Why the stream closed early, if it did.
    public var failure: RuntimeTransportError? { inbound.withLock { $0.failure } }

    /// Suspends until the stream is cancelled or its connection closes.
    public func waitUntilClosed() async {
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let now = inbound.withLock { s -> Bool in
                if s.failure != nil { return true }
                s.closeWaiters.append(waiter)
                return false
            }
            if now { waiter.resume() }
        }
    }

    // MARK: Sending

    /// Host: sends the response head (once; later calls are ignored).
    public func sendHead(_ head: RuntimeResponseHead) {
        connection.onLoop { $0.loopSendHead(head, on: self.id) }
    }

    /// Host: sends a whole answer, the head, `body` and the end, in one turn of the loop (one
    /// write for all three frames) when the body is under the write watermark; a larger body
    /// goes through `write(_:)` and its back-pressure.
    public func sendWhole(_ head: RuntimeResponseHead, body: [UInt8]) async {
        guard body.count <= connection.configuration.streamWriteWatermark else {
            sendHead(head)
            if !body.isEmpty { await write(body) }
            finish()
            return
        }
        connection.onLoop { $0.loopSendWhole(head, body: body, on: self.id) }
    }

    /// Sends body bytes; suspends while this stream's unsent bytes exceed the watermark (the peer
    /// has not granted credit). Returns false when the stream or connection is gone.
    @discardableResult
    public func write(_ bytes: [UInt8]) async -> Bool {
        if isClosed { return false }
        return await withCheckedContinuation { (done: CheckedContinuation<Bool, Never>) in
            if connection.loop.inLoop { return connection.loopWrite(bytes, on: id, done) }
            let queued = connection.loop.execute { self.connection.loopWrite(bytes, on: self.id, done) }
            if !queued { done.resume(returning: false) }
        }
    }

    /// Ends this side's half after any queued body.
    public func finish() {
        connection.onLoop { $0.loopFinish(self.id) }
    }

    /// Abandons the stream and tells the peer; local readers and writers see `.cancelled`.
    public func cancel(code: UInt32, message: String = "") {
        connection.onLoop { $0.loopCancel(self.id, code: code, message: message) }
    }

    // MARK: Delivery from the connection's loop

    func deliverHead(_ head: RuntimeResponseHead) {
        let waiter = inbound.withLock { s in
            s.head = head
            defer { s.headWaiter = nil }
            return s.headWaiter
        }
        waiter?.resume(returning: .success(head))
    }

    func deliverChunk(_ bytes: [UInt8]) {
        let waiter = inbound.withLock { s -> CheckedContinuation<Result<[UInt8]?, RuntimeTransportError>, Never>? in
            guard let waiter = s.chunkWaiter else {
                s.chunks.append(bytes)
                return nil
            }
            s.chunkWaiter = nil
            return waiter
        }
        waiter?.resume(returning: .success(bytes))
    }

    func deliverEnd() {
        let waiter = inbound.withLock { s in
            s.ended = true
            defer { s.chunkWaiter = nil }
            return s.chunkWaiter
        }
        waiter?.resume(returning: .success(nil))
    }

    func fail(_ error: RuntimeTransportError) {
        typealias HeadWaiter = CheckedContinuation<Result<RuntimeResponseHead, RuntimeTransportError>, Never>
        typealias ChunkWaiter = CheckedContinuation<Result<[UInt8]?, RuntimeTransportError>, Never>
        let completed = connection.role == .router
        let taken: (HeadWaiter?, ChunkWaiter?, [CheckedContinuation<Void, Never>]) = inbound.withLock { s in
            // A router stream whose response fully arrived is finished, not failed.
            if s.failure != nil || (completed && s.ended && s.head != nil) { return (nil, nil, []) }
            s.failure = error
            let result = (s.headWaiter, s.chunkWaiter, s.closeWaiters)
            s.headWaiter = nil
            s.chunkWaiter = nil
            s.closeWaiters = []
            return result
        }
        let failure = Result<RuntimeResponseHead, RuntimeTransportError>.failure(error)
        taken.0?.resume(returning: failure)
        taken.1?.resume(returning: Result<[UInt8]?, RuntimeTransportError>.failure(error))
        for closer in taken.2 { closer.resume() }
    }
}
