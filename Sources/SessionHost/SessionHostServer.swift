import EdgeCore
import EdgeKV
import EdgeNet
import EdgeRuntime
import Synchronization

/// The session host process (`schwab-mcp host --id N`): accepts the router's multiplexed
/// connections on `<socket_dir>/host-<N>.sock` and runs each stream as an event of a durable object.
///
/// Trust: the socket is created with mode 0600, so only the router (same user) can connect; the
/// host therefore believes the object class, id and props carried in each `RuntimeRequestHead`
/// and never reads identity from HTTP headers. Host ids must be unique per live process, so
/// `start()` refuses a socket path another live process answers on.
///
/// Each stream becomes an `ObjectRequest` for `ObjectHost.dispatch`; the answer goes back as a
/// response head and body (`SessionHostServer+Streams`). `ObjectHostError.notOwner` and
/// `.shuttingDown` become stream cancels with `RuntimeCancel.notOwner` / `.shuttingDown`, so the
/// router tries the next host. Maintenance (lease renewal, idle eviction) runs on a timer.
/// `shutdown()` drains: goAway, finish in-flight events, release every lease, close.
public final class SessionHostServer: Sendable {
    /// Where the host listens and how it runs objects.
    public struct Configuration: Sendable {
        /// The host's number N (`host-N`); unique among live hosts.
        public var hostNumber: Int
        /// The Unix socket to listen on (`<socket_dir>/host-<N>.sock`).
        public var socketPath: String
        /// The KV service's socket (leases and object storage).
        public var kvSocketPath: String
        /// The KV namespace for leases and storage.
        public var namespace: String
        /// How long an object may sit with no events and no open streams before eviction.
        public var idleTimeout: Duration
        /// How long an object's lease lasts without renewal.
        public var leaseTTL: Duration
        /// How often leases are renewed and idle objects evicted.
        public var maintenanceInterval: Duration
        /// How long `shutdown()` waits for open streams before closing them.
        public var shutdownGrace: Duration
        /// The largest request body accepted on a stream.
        public var bodyLimit: Int

        /// A configuration; defaults follow the seed (10-minute idle timeout) and `ObjectHost`.
        public init(
            hostNumber: Int, socketPath: String, kvSocketPath: String,
            namespace: String = Config.objectStorageNamespace, idleTimeout: Duration = .seconds(600),
            leaseTTL: Duration = .seconds(3), maintenanceInterval: Duration = .milliseconds(250),
            shutdownGrace: Duration = .seconds(10), bodyLimit: Int = 16 << 20
        ) {
            self.hostNumber = hostNumber
            self.socketPath = socketPath
            self.kvSocketPath = kvSocketPath
            self.namespace = namespace
            self.idleTimeout = idleTimeout
            self.leaseTTL = leaseTTL
            self.maintenanceInterval = maintenanceInterval
            self.shutdownGrace = shutdownGrace
            self.bodyLimit = bodyLimit
        }

        /// The lease holder name, `host-<N>`.
        public var hostID: String { "host-\(hostNumber)" }
    }

    /// The configuration in use.
    public let configuration: Configuration
    /// The objects this host runs.
    public let objects: ObjectHost
    let logger: Logger
    let loop: EventLoop
    let state = Mutex(ServerState())
    let activeStreams = Atomic<Int>(0)
    private let stopped = Mutex<(done: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    struct ServerState {
        var listener: RuntimeListener?
        var connections: [Int32: RuntimeConnection] = [:]
        var maintenance: Task<Void, Never>?
        var draining = false
    }

    /// A host serving `registry`'s classes with state in the KV service (or `kv`, when given).
    ///
    /// `clock` is where its `ObjectHost` reads the time for idle eviction and leases (the
    /// system's wall clock unless given). A seam for tests: with a clock they move by hand, an
    /// object is evicted when the test moves time past `idleTimeout`, never because a loaded
    /// machine was slow between two requests.
    public init(
        configuration: Configuration, registry: ObjectRegistry, logger: Logger, kv: (any KVBackend)? = nil,
        clock: any RuntimeClock = SystemRuntimeClock()
    ) throws {
        self.configuration = configuration
        self.logger = logger.with([("host", .string(configuration.hostID))])
        let loop = try EventLoop(name: "host-\(configuration.hostNumber)-loop")
        self.loop = loop
        // Objects run their events on the loop that reads the router's streams: an event and
        // its answer cross no thread (see `serve`).
        objects = ObjectHost(
            configuration: ObjectHost.Configuration(
                hostID: configuration.hostID, namespace: configuration.namespace,
                idleTimeoutMilliseconds: Self.milliseconds(configuration.idleTimeout),
                leaseTTLMilliseconds: Self.milliseconds(configuration.leaseTTL), executor: loop),
            registry: registry, kv: kv ?? KVClient(socketPath: configuration.kvSocketPath), clock: clock)
    }

    /// Starts the loop, listens on the socket (refusing one a live process answers on) and starts
    /// maintenance.
    public func start() throws(RuntimeTransportError) {
        loop.start()
        let listener: RuntimeListener
        do {
            listener = try RuntimeListener(path: configuration.socketPath, loop: loop) { [self] fd in accept(fd) }
        } catch {
            loop.stop()
            throw error
        }
        let interval = configuration.maintenanceInterval
        let maintenance = Task { [objects] in await objects.runMaintenance(every: interval) }
        state.withLock {
            $0.listener = listener
            $0.maintenance = maintenance
        }
        logger.info("session host listening", [("socket", .string(configuration.socketPath))])
    }

    /// Suspends until `shutdown()` has finished.
    public func waitUntilStopped() async {
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let now = stopped.withLock { s -> Bool in
                if s.done { return true }
                s.waiters.append(waiter)
                return false
            }
            if now { waiter.resume() }
        }
    }

    /// The graceful drain for SIGTERM: stop accepting, tell every router `goAway`, finish queued
    /// events, release every object's lease (so another host activates them at once), give open
    /// streams up to `shutdownGrace`, then close the connections and the loop.
    public func shutdown() async {
        let (listener, connections, maintenance, already) = state.withLock { s in
            defer { s.draining = true }
            return (s.listener, Array(s.connections.values), s.maintenance, s.draining)
        }
        guard !already else { return await waitUntilStopped() }
        logger.info("draining", [("open_streams", .int(activeStreams.load(ordering: .relaxed)))])
        listener?.close()
        for connection in connections { connection.goAway(message: "\(configuration.hostID) is shutting down") }
        maintenance?.cancel()
        await objects.shutdown()
        let deadline = ContinuousClock.now + configuration.shutdownGrace
        while activeStreams.load(ordering: .acquiring) > 0 && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        for connection in connections { connection.close() }
        let remaining = state.withLock { Array($0.connections.values) }
        for connection in remaining { connection.close() }
        while activeStreams.load(ordering: .acquiring) > 0 && ContinuousClock.now < deadline + .seconds(1) {
            try? await Task.sleep(for: .milliseconds(10))
        }
        // goAway and the closes above are queued on the loop; let them run (and write) before the
        // loop stops, or the process may exit first and the router would see a bare end of file,
        // which it must count as a crash rather than a drain.
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            if !loop.execute({ done.resume() }) { done.resume() }
        }
        loop.stop()
        logger.info("stopped; every lease released")
        let waiters = stopped.withLock { s in
            s.done = true
            defer { s.waiters = [] }
            return s.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// The router connections open now.
    public var connectionCount: Int { state.withLock { $0.connections.count } }

    /// Wraps an accepted socket in a host-side connection. Runs on the loop.
    private func accept(_ fd: Int32) {
        let draining = state.withLock { $0.draining }
        let connection = RuntimeConnection(
            adopting: fd, role: .host, loop: loop,
            callbacks: .init(
                onStream: { [self] stream in serve(stream) },
                onClose: { [self, logger] error in
                    logger.debug("router connection closed", [("reason", .string(error.description))])
                    forget(fd)
                }))
        state.withLock { $0.connections[fd] = connection }
        connection.start()
        if draining { connection.goAway(message: "\(configuration.hostID) is shutting down") }
        logger.debug("router connected")
    }

    /// Drops a closed connection; runs on the loop right after the descriptor closed, before any
    /// later accept could reuse its number.
    private func forget(_ fd: Int32) {
        state.withLock { _ = $0.connections.removeValue(forKey: fd) }
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        Int64(duration.components.seconds) * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }
}
