import EdgeCore
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The KV process: one SQLite store served over a Unix-domain socket to the router and hosts.
///
/// I/O model: a few epoll loops (`KVEventLoop`, one per core by default) share the listening
/// socket; each answers every ready connection per wake-up, in arrival order per connection, and
/// writes all of a connection's answers with one `send(2)`. Reads use the store's pool of reader
/// connections (WAL lets loops read at once); writes serialize on its single writer, and the
/// writes that arrive in one wake-up share one commit (group commit, `KVStore.apply`).
///
/// A frame that breaks the protocol (see `KVFrameDecoder`) closes only its own connection, with
/// the reason logged. Values and keys never reach a log line.
public final class KVService: Sendable {
    /// What the service needs to start; the integrator fills it from `wrangler.toml`.
    public struct Configuration: Sendable {
        /// Where the Unix socket is created (mode 0600).
        public var socketPath: String
        /// The SQLite database file (created when absent; `-wal` and `-shm` files sit beside it).
        public var databasePath: String
        /// The namespaces served (one per `[[kv_namespaces]]` binding); empty accepts any name.
        public var namespaces: [String]
        /// Seconds between sweeps of expired rows.
        public var sweepInterval: Double
        /// fsync the WAL on every commit (survives power loss, slower); see `KVStoreConnection`.
        public var fsyncEachCommit: Bool
        /// How many epoll loops serve connections (default: one per core, at most 4).
        public var eventLoops: Int

        /// A configuration with the defaults: sweep every 30 seconds, fsync at checkpoints only.
        public init(
            socketPath: String, databasePath: String, namespaces: [String] = [], sweepInterval: Double = 30,
            fsyncEachCommit: Bool = false,
            eventLoops: Int = min(4, max(1, ProcessInfo.processInfo.activeProcessorCount))
        ) {
            self.eventLoops = eventLoops
            self.socketPath = socketPath
            self.databasePath = databasePath
            self.namespaces = namespaces
            self.sweepInterval = sweepInterval
            self.fsyncEachCommit = fsyncEachCommit
        }
    }

    /// The configuration this service runs with.
    public let configuration: Configuration
    private let logger: Logger
    private let now: @Sendable () -> Int64
    private let state = Mutex(false)  // true once shutdown() was called
    private let wakePipe: (read: Int32, write: Int32)

    /// A service that will serve `configuration` once `run()` is called.
    ///
    /// `now` is the store's clock (milliseconds since the epoch, `KVStore.systemClock` unless
    /// given): what expirations are measured against, on reads and in the sweeper. A seam for
    /// tests, so a key's TTL runs out when the test moves time rather than while a loaded machine
    /// is between two calls.
    public init(
        configuration: Configuration, logger: Logger, now: @escaping @Sendable () -> Int64 = KVStore.systemClock
    ) throws(KVError) {
        self.configuration = configuration
        self.logger = logger
        self.now = now
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else {
            throw KVError(.unavailable, "cannot create the shutdown pipe: \(UnixSocket.describe(errno))")
        }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        wakePipe = (fds[0], fds[1])
    }

    deinit {
        close(wakePipe.read)
        close(wakePipe.write)
    }

    /// Opens the store, listens, and serves until `shutdown()`; then stops accepting, answers the
    /// requests already read, closes the database cleanly (checkpointing the WAL) and removes the
    /// socket file.
    public func run() throws(KVError) {
        let store = try KVStore(
            path: configuration.databasePath, fsyncEachCommit: configuration.fsyncEachCommit, now: now)
        let listener: Int32
        do {
            listener = try UnixSocket.listen(path: configuration.socketPath)
        } catch {
            store.close()
            throw error
        }
        _ = fcntl(listener, F_SETFL, fcntl(listener, F_GETFL) | O_NONBLOCK)
        let handler = KVRequestHandler(store: store, namespaces: Set(configuration.namespaces))
        let ids = Atomic(0)
        var loops: [KVEventLoop] = []
        do {
            for _ in 0..<max(1, configuration.eventLoops) {
                loops.append(
                    try KVEventLoop(
                        listener: listener, wakeFD: wakePipe.read, handler: handler, logger: logger,
                        nextConnectionID: { ids.add(1, ordering: .relaxed).newValue }))
            }
        } catch {
            close(listener)
            store.close()
            throw error
        }
        logger.info(
            "kv listening",
            [
                ("socket", .string(configuration.socketPath)), ("database", .string(configuration.databasePath)),
                ("namespaces", .array(configuration.namespaces.map { .string($0) })),
                ("event_loops", .int(loops.count)),
            ])
        let sweeper = startSweeper(store)
        let loopsDone = DispatchGroup()
        let closedCount = Atomic(0)
        for (index, loop) in loops.enumerated() {
            loopsDone.enter()
            let thread = Thread {
                closedCount.add(loop.run(), ordering: .relaxed)
                loopsDone.leave()
            }
            thread.name = "kv-loop-\(index)"
            thread.start()
        }
        loopsDone.wait()
        close(listener)
        unlink(configuration.socketPath)
        sweeper.wait()
        store.close()
        logger.info("kv stopped", [("connections_closed", .int(closedCount.load(ordering: .relaxed)))])
    }

    /// Asks `run()` to stop; safe from any thread and from a signal-handling queue.
    public func shutdown() {
        let first = state.withLock { stopping in
            defer { stopping = true }
            return !stopping
        }
        if first {
            var byte: UInt8 = 1
            _ = write(wakePipe.write, &byte, 1)
        }
    }

    private var isStopping: Bool { state.withLock { $0 } }

    /// Deletes expired rows every `sweepInterval` seconds until shutdown; reads never depended on it.
    private func startSweeper(_ store: KVStore) -> DispatchGroup {
        let done = DispatchGroup()
        done.enter()
        let interval = max(0.05, configuration.sweepInterval)
        let thread = Thread { [self] in
            defer { done.leave() }
            while true {
                var fds = [pollfd(fd: wakePipe.read, events: Int16(POLLIN), revents: 0)]
                _ = poll(&fds, 1, Int32(interval * 1000))
                if isStopping { return }
                do {
                    let removed = try store.sweepExpired()
                    if removed > 0 { logger.debug("swept expired keys", [("removed", .int(removed))]) }
                } catch {
                    logger.error("sweep failed", [("error", .string("\(error)"))])
                }
            }
        }
        thread.name = "kv-sweeper"
        thread.start()
        return done
    }
}
