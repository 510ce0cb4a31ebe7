import Dispatch
import EdgeCore
import EdgeHTTP
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// An HTTP/1.1 server on our own epoll loops, optionally over TLS.
///
/// `start()` binds one listener per loop and returns the port; the loops then run on their own
/// threads. `shutdown()` drains gracefully: listeners close at once (new connects are refused),
/// requests in flight finish, streams are told to end, and whatever remains at the deadline is
/// closed. `run()` or `waitUntilStopped()` returns when every loop has stopped.
public final class HTTPServer: Sendable {
    private let context: HTTPServerContext
    private let state = Mutex<State>(State())
    private let stopped = DispatchSemaphore(value: 0)

    private struct State {
        var loops: [HTTPServerLoop] = []
        var started = false
        var stopping = false
        var remaining = 0
        var waiters: [CheckedContinuation<Void, Never>] = []
        var finished = false
    }

    /// A server that answers with `responder`; nothing is bound until `start()`. Throws when the
    /// configuration is invalid or the TLS files cannot be loaded.
    public init(configuration: Configuration, responder: some HTTPResponder, logger: Logger) throws {
        try configuration.validate()
        context = try HTTPServerContext(configuration: configuration, responder: responder, logger: logger)
    }

    /// The configuration the server runs with.
    public var configuration: Configuration { context.configuration }

    /// Binds the listeners and starts the loops; returns the bound port (useful with port 0).
    @discardableResult
    public func start() throws -> Int {
        signal(SIGPIPE, SIG_IGN)
        let configuration = context.configuration
        var loops: [HTTPServerLoop] = []
        var port = configuration.port
        do {
            for index in 0..<configuration.eventLoops {
                let (fd, bound) = try TCPListener.bind(host: configuration.host, port: port)
                port = bound
                let loop = try EventLoop(name: "http-loop-\(index)")
                loops.append(HTTPServerLoop(loop: loop, listenerFD: fd, context: context))
            }
        } catch {
            loops.removeAll()
            throw error
        }
        for serverLoop in loops {
            serverLoop.loop.start()
            let failure = Mutex<Error?>(nil)
            let ready = DispatchSemaphore(value: 0)
            serverLoop.loop.execute {
                do { try serverLoop.start() } catch { failure.withLock { $0 = error } }
                ready.signal()
            }
            ready.wait()
            if let error = failure.withLock({ $0 }) { throw error }
        }
        state.withLock {
            $0.loops = loops
            $0.started = true
            $0.remaining = loops.count
        }
        context.logger.info(
            "listening",
            [
                ("host", .string(configuration.host)), ("port", .int(port)), ("loops", .int(loops.count)),
                ("tls", .bool(configuration.tls != nil)),
            ])
        return port
    }

    /// Drains and stops: stop accepting, let in-flight requests finish for up to `deadline`
    /// (default: `shutdownGrace`), end open streams, then close everything. Returns at once;
    /// `waitUntilStopped()` or `run()` waits for the end.
    public func shutdown(deadline: Duration? = nil) {
        let grace = MonotonicClock.deadline(after: deadline ?? context.configuration.shutdownGrace)
        let loops = state.withLock { current -> [HTTPServerLoop] in
            if current.stopping { return [] }
            current.stopping = true
            if !current.started { current.finished = true }
            return current.loops
        }
        if loops.isEmpty && state.withLock({ $0.finished }) { finish() }
        context.logger.info("shutting down", [("open_connections", .int(openConnections))])
        for serverLoop in loops {
            serverLoop.loop.execute {
                serverLoop.beginShutdown(deadline: grace) { [self] in self.loopStopped() }
            }
        }
    }

    private func loopStopped() {
        let last = state.withLock { current -> Bool in
            current.remaining -= 1
            return current.remaining == 0
        }
        if last { finish() }
    }

    private func finish() {
        let waiters = state.withLock { current -> [CheckedContinuation<Void, Never>] in
            current.finished = true
            let taken = current.waiters
            current.waiters = []
            return taken
        }
        context.logger.info("stopped")
        stopped.signal()
        for waiter in waiters { waiter.resume() }
    }

    /// Blocks the calling thread until the server has stopped.
    public func waitUntilStopped() {
        stopped.wait()
        stopped.signal()
    }

    /// Suspends until the server has stopped.
    public func run() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { current -> Bool in
                if current.finished { return true }
                current.waiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }

    /// Connections open right now, on all loops.
    public var openConnections: Int { context.openConnections.load(ordering: .relaxed) }

    /// Response bytes waiting in write queues right now, on all loops: bounded by about one
    /// `streamHighWatermark` per streaming connection however slowly clients read.
    public var queuedOutputBytes: Int { context.queuedOutputBytes.load(ordering: .relaxed) }

    /// Connections accepted since `start()`.
    public var acceptedConnections: Int { context.acceptedConnections.load(ordering: .relaxed) }
}
