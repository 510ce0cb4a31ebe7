import CShims
import EdgeNet
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The I/O driver of `RuntimeConnectionState`: one connected Unix-domain socket between the
/// router and a session host, on an EdgeNet `EventLoop`, carrying many `RuntimeStream`s at once.
///
/// Bytes read go through `RuntimeFrameCodec` into the state machine; its events reach the streams
/// and its frames leave through a write queue that drains as the socket accepts them. Both roles
/// use it: the router opens streams (`openStream`), the host receives them (`Callbacks.onStream`).
/// A framing error, EOF or socket error closes the connection and fails every open stream, every
/// blocked writer and every ping with `.connectionClosed`.
///
/// `@unchecked Sendable`: everything mutable (`state`, `codec`, `streams`, the write queue, the
/// waiting writers and pings) is touched only on `loop`'s thread; public methods hop there with
/// `EventLoop.execute`. `closedFlag` is atomic so `isClosed` can be read anywhere.
public final class RuntimeConnection: EventLoopHandler, @unchecked Sendable {
    /// Limits of one connection.
    public struct Configuration: Sendable {
        /// The credit each stream starts with, both ways (RFC 9113 §6.9.2).
        public var initialWindow: Int
        /// The largest body chunk put in one frame.
        public var maximumChunk: Int
        /// A stream's `write` suspends while more than this many of its bytes wait for credit.
        public var streamWriteWatermark: Int
        /// The largest frame payload accepted or sent.
        public var maximumPayload: Int

        /// Defaults: 256 KiB windows, 64 KiB chunks, 64 KiB watermark, 1 MiB frames.
        public init(
            initialWindow: Int = StreamFlowControl.defaultInitialWindow, maximumChunk: Int = 64 * 1024,
            streamWriteWatermark: Int = 64 * 1024, maximumPayload: Int = RuntimeFrameCodec.defaultMaximumPayloadSize
        ) {
            self.initialWindow = initialWindow
            self.maximumChunk = maximumChunk
            self.streamWriteWatermark = streamWriteWatermark
            self.maximumPayload = maximumPayload
        }
    }

    /// What the owner of a connection hears about; each runs on the connection's loop thread, so
    /// it should hand work off (start a `Task`) rather than wait.
    public struct Callbacks: Sendable {
        /// Host: the router opened a stream.
        public var onStream: (@Sendable (RuntimeStream) -> Void)?
        /// The peer sent `goAway`: it accepts no stream after `lastStreamID` (RFC 9113 §6.8).
        public var onGoAway: (@Sendable (_ lastStreamID: UInt32, _ message: String) -> Void)?
        /// The connection closed, with why; called once.
        public var onClose: (@Sendable (RuntimeTransportError) -> Void)?

        /// Callbacks from their parts; all optional.
        public init(
            onStream: (@Sendable (RuntimeStream) -> Void)? = nil,
            onGoAway: (@Sendable (_ lastStreamID: UInt32, _ message: String) -> Void)? = nil,
            onClose: (@Sendable (RuntimeTransportError) -> Void)? = nil
        ) {
            self.onStream = onStream
            self.onGoAway = onGoAway
            self.onClose = onClose
        }
    }

    /// Which end this is.
    public let role: RuntimeConnectionState.Role
    /// The loop that owns the socket.
    public let loop: EventLoop
    /// The limits in use.
    public let configuration: Configuration
    let fd: Int32
    let callbacks: Callbacks
    let closedFlag = Atomic<Bool>(false)

    // Loop thread only.
    var state: RuntimeConnectionState
    var codec: RuntimeFrameCodec
    var streams: [UInt32: RuntimeStream] = [:]
    var output: [UInt8] = []
    var outputOffset = 0
    var watchingWritable = false
    var flushScheduled = false
    var blockedWriters: [UInt32: [CheckedContinuation<Bool, Never>]] = [:]
    var pings:
        [UInt64: (started: ContinuousClock.Instant, waiter: CheckedContinuation<Duration?, Never>, timer: UInt64)] =
            [:]
    var nextPing: UInt64 = 1
    var readBuffer = [UInt8](repeating: 0, count: 64 * 1024)

    /// Takes over the connected, non-blocking socket `fd` (closing it when the connection closes);
    /// call `start()` to begin reading.
    public init(
        adopting fd: Int32, role: RuntimeConnectionState.Role, loop: EventLoop,
        configuration: Configuration = Configuration(), callbacks: Callbacks = Callbacks()
    ) {
        self.fd = fd
        self.role = role
        self.loop = loop
        self.configuration = configuration
        self.callbacks = callbacks
        state = RuntimeConnectionState(
            role: role, initialWindow: configuration.initialWindow, maximumChunk: configuration.maximumChunk)
        codec = RuntimeFrameCodec(maximumPayloadSize: configuration.maximumPayload)
    }

    /// Connects to the host socket at `path` as the router and starts the connection on `loop`.
    public static func connect(
        path: String, loop: EventLoop, role: RuntimeConnectionState.Role = .router,
        configuration: Configuration = Configuration(), callbacks: Callbacks = Callbacks()
    ) throws(RuntimeTransportError) -> RuntimeConnection {
        let fd = try RuntimeSocket.connect(path: path)
        let connection = RuntimeConnection(
            adopting: fd, role: role, loop: loop, configuration: configuration, callbacks: callbacks)
        connection.start()
        return connection
    }

    /// Registers the socket on the loop; frames flow from now on.
    public func start() {
        let accepted = loop.execute {
            do {
                try self.loop.register(
                    self.fd, events: EventLoop.readable | EventLoop.peerClosed, handler: self)
            } catch {
                self.shutdown(RuntimeTransportError(.connectionClosed, "cannot watch the socket: \(error)"))
            }
        }
        if !accepted {
            // The loop has stopped for good: nothing will ever read this socket.
            closedFlag.store(true, ordering: .releasing)
            Glibc.close(fd)
        }
    }

    /// True once the connection has closed.
    public var isClosed: Bool { closedFlag.load(ordering: .acquiring) }

    /// Router: opens a stream carrying `head`. Throws `.goingAway` after the host's `goAway`,
    /// `.connectionClosed` when the connection is gone.
    public func openStream(
        _ head: RuntimeRequestHead, flags: RuntimeFrameFlags = []
    ) async throws(RuntimeTransportError) -> RuntimeStream {
        if loop.inLoop { return try loopOpen(head, flags: flags).get() }
        let result = await withCheckedContinuation {
            (done: CheckedContinuation<Result<RuntimeStream, RuntimeTransportError>, Never>) in
            let queued = loop.execute { done.resume(returning: self.loopOpen(head, flags: flags)) }
            if !queued { done.resume(returning: .failure(Self.closedError)) }
        }
        return try result.get()
    }

    /// Router: opens a stream, sends the whole request `body` and ends the request half.
    ///
    /// A body under the write watermark goes with the head and the end in one turn of the loop,
    /// so the three frames leave in one write; a task already on the loop pays no hop at all.
    public func send(
        _ head: RuntimeRequestHead, body: [UInt8], flags: RuntimeFrameFlags = []
    ) async throws(RuntimeTransportError) -> RuntimeStream {
        guard body.count <= configuration.streamWriteWatermark else {
            let stream = try await openStream(head, flags: flags)
            await stream.write(body)
            stream.finish()
            return stream
        }
        if loop.inLoop { return try loopSend(head, body: body, flags: flags).get() }
        let result = await withCheckedContinuation {
            (done: CheckedContinuation<Result<RuntimeStream, RuntimeTransportError>, Never>) in
            let queued = loop.execute { done.resume(returning: self.loopSend(head, body: body, flags: flags)) }
            if !queued { done.resume(returning: .failure(Self.closedError)) }
        }
        return try result.get()
    }

    /// Sends a ping and returns the round trip, or nil when no pong came within `timeout` or the
    /// connection closed (a health check's answer).
    public func ping(timeout: Duration = .seconds(1)) async -> Duration? {
        await withCheckedContinuation { (done: CheckedContinuation<Duration?, Never>) in
            let queued = loop.execute { self.loopPing(timeout: timeout, done) }
            if !queued { done.resume(returning: nil) }
        }
    }

    /// Announces a graceful drain: the peer opens no new streams; open ones finish (RFC 9113 §6.8).
    public func goAway(code: UInt32 = RuntimeCancel.shuttingDown, message: String = "going away") {
        onLoop { connection in connection.enqueue([connection.state.goAway(code: code, message: message)]) }
    }

    /// Closes the connection after writing what is queued and fails every open stream.
    public func close() {
        onLoop { $0.shutdown(RuntimeTransportError(.connectionClosed, "closed by this side")) }
    }

    /// Streams open on this connection now (for drains and metrics); loop thread's view.
    public func openStreamCount() async -> Int {
        await withCheckedContinuation { (done: CheckedContinuation<Int, Never>) in
            if !loop.execute({ done.resume(returning: self.streams.count) }) { done.resume(returning: 0) }
        }
    }

    static let closedError = RuntimeTransportError(.connectionClosed, "the runtime connection is closed")

    /// Runs `work` on the loop unless the loop has stopped: right now when the caller already is
    /// on the loop's thread (a task that prefers the loop), so its steps keep their order with
    /// the direct calls `write` and `send` make there, and cost no queueing.
    func onLoop(_ work: @escaping @Sendable (RuntimeConnection) -> Void) {
        if loop.inLoop {
            work(self)
        } else {
            loop.execute { work(self) }
        }
    }

    /// Reports `count` consumed bytes of `streamID` so credit flows back to the sender.
    func consumed(_ count: Int, on streamID: UInt32) {
        onLoop { $0.enqueue($0.state.consumed(count, on: streamID)) }
    }
}
