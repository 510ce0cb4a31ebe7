import EdgeCore
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The KV process: one SQLite store served over a Unix-domain socket to the router and hosts.
///
/// I/O model: one thread per connection with blocking reads. The clients are a handful of
/// long-lived processes (router, hosts, operators' `kv-cli`), each pipelining many requests on
/// its connection, so threads are few, and a blocking loop keeps the hot path short: read what
/// arrived, answer every complete frame in order, write all answers with one `send(2)`.
/// Reads run on per-thread reader connections of the store; writes serialize on its writer.
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

        /// A configuration with the defaults: sweep every 30 seconds, fsync at checkpoints only.
        public init(
            socketPath: String, databasePath: String, namespaces: [String] = [], sweepInterval: Double = 30,
            fsyncEachCommit: Bool = false
        ) {
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
    private let state = Mutex(LifecycleState())
    private let connectionsDone = DispatchGroup()
    private let wakePipe: (read: Int32, write: Int32)

    private struct LifecycleState: ~Copyable {
        var stopping = false
        var connections: [Int: Int32] = [:]
        var nextConnectionID = 1
    }

    /// A service that will serve `configuration` once `run()` is called.
    public init(configuration: Configuration, logger: Logger) throws(KVError) {
        self.configuration = configuration
        self.logger = logger
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

    /// Opens the store, listens, and serves until `shutdown()`; then stops accepting, lets every
    /// connection finish the requests it already read, closes the database cleanly (checkpointing
    /// the WAL) and removes the socket file.
    public func run() throws(KVError) {
        let store = try KVStore(path: configuration.databasePath, fsyncEachCommit: configuration.fsyncEachCommit)
        let listener: Int32
        do {
            listener = try UnixSocket.listen(path: configuration.socketPath)
        } catch {
            store.close()
            throw error
        }
        let handler = KVRequestHandler(store: store, namespaces: Set(configuration.namespaces))
        logger.info(
            "kv listening",
            [
                ("socket", .string(configuration.socketPath)), ("database", .string(configuration.databasePath)),
                ("namespaces", .array(configuration.namespaces.map { .string($0) })),
            ])
        let sweeper = startSweeper(store)
        acceptLoop(listener, handler)
        close(listener)
        unlink(configuration.socketPath)
        let open = state.withLock { $0.connections }
        for (_, fd) in open { Glibc.shutdown(fd, Int32(SHUT_RD)) }
        connectionsDone.wait()
        sweeper.wait()
        store.close()
        logger.info("kv stopped", [("connections_closed", .int(open.count))])
    }

    /// Asks `run()` to stop; safe from any thread and from a signal-handling queue.
    public func shutdown() {
        let first = state.withLock { state in
            defer { state.stopping = true }
            return !state.stopping
        }
        if first {
            var byte: UInt8 = 1
            _ = write(wakePipe.write, &byte, 1)
        }
    }

    private var isStopping: Bool { state.withLock { $0.stopping } }

    private func acceptLoop(_ listener: Int32, _ handler: KVRequestHandler) {
        var fds = [
            pollfd(fd: listener, events: Int16(POLLIN), revents: 0),
            pollfd(fd: wakePipe.read, events: Int16(POLLIN), revents: 0),
        ]
        while !isStopping {
            let ready = poll(&fds, 2, -1)
            if ready < 0 && errno != EINTR {
                logger.error("poll failed; stopping", [("error", .string(UnixSocket.describe(errno)))])
                return
            }
            if fds[1].revents != 0 || isStopping { return }
            guard fds[0].revents != 0 else { continue }
            let fd = accept(listener, nil, nil)
            if fd < 0 {
                if errno == EMFILE || errno == ENFILE {
                    logger.error("out of file descriptors; refusing connections for 100 ms")
                    usleep(100_000)
                }
                continue
            }
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            startConnection(fd, handler)
        }
    }

    private func startConnection(_ fd: Int32, _ handler: KVRequestHandler) {
        let id = state.withLock { state in
            defer { state.nextConnectionID += 1 }
            state.connections[state.nextConnectionID] = fd
            return state.nextConnectionID
        }
        connectionsDone.enter()
        let connection = KVServiceConnection(fd: fd, id: id, handler: handler, logger: logger)
        let thread = Thread { [self] in
            connection.serve()
            state.withLock { _ = $0.connections.removeValue(forKey: id) }
            close(fd)
            connectionsDone.leave()
        }
        thread.name = "kv-connection-\(id)"
        thread.start()
    }

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
