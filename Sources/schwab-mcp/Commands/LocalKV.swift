import EdgeCore
import EdgeKV
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The KV store as a local command (`stdio`, `login`) reaches it: the running KV service when
/// one answers at `<socket_dir>/kv.sock`, else a KV service of our own, in this process, on a
/// private socket in a fresh temporary folder, over the same SQLite file.
///
/// Two services on one database file are safe: SQLite's WAL mode lets two processes share it
/// (one writer at a time, readers never blocked), so tokens `login` writes with no stack running
/// are the ones `up` and `stdio` read later, and the other way round.
final class LocalKV: Sendable {
    /// The client every caller uses.
    let client: KVClient
    /// Whether the service is ours (started here) rather than the stack's.
    let isPrivate: Bool
    private let service: KVService?
    private let stopped: Done?
    private let folder: String?

    /// Set by the service's thread once `run()` has returned.
    private final class Done: Sendable {
        let flag = Mutex(false)
        var isSet: Bool { flag.withLock { $0 } }
    }

    private init(client: KVClient, service: KVService?, thread: Done?, folder: String?) {
        self.client = client
        self.service = service
        self.stopped = thread
        self.folder = folder
        isPrivate = service != nil
    }

    /// Connects to the stack's KV service, or starts a private one when none answers.
    static func open(config: Config, logger: Logger) async throws -> LocalKV {
        let shared = KVClient(socketPath: config.runtime.socketPath("kv"))
        if (try? await shared.ping()) != nil {
            logger.debug("using the running KV service", [("socket", .string(shared.socketPath))])
            return LocalKV(client: shared, service: nil, thread: nil, folder: nil)
        }
        umask(0o077)
        let database = config.kvDatabasePath
        try KVCommand.ensureParentDirectories(of: [database])
        var template = Array((NSTemporaryDirectory() + "schwab-mcp-kv-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw KVError(.unavailable, "cannot create a temporary folder for the KV socket: errno \(errno)")
        }
        let folder = String(cString: made)
        let socket = folder + "/kv.sock"
        let service = try KVService(
            configuration: KVService.Configuration(
                socketPath: socket, databasePath: database, namespaces: config.kvServedNamespaces, eventLoops: 1),
            logger: logger)
        let done = Done()
        let thread = Thread {
            do throws(KVError) {
                try service.run()
            } catch {
                logger.error("the private KV service stopped", [("error", .string(error.message))])
            }
            done.flag.withLock { $0 = true }
        }
        thread.name = "local-kv"
        thread.start()
        let client = KVClient(socketPath: socket)
        for _ in 0..<500 {
            if (try? await client.ping()) != nil {
                logger.debug(
                    "no KV service was running; serving the database from this process",
                    [("database", .string(database))])
                return LocalKV(client: client, service: service, thread: done, folder: folder)
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        service.shutdown()
        throw KVError(.unavailable, "the private KV service over \(database) did not start")
    }

    /// Stops the private service (checkpointing the WAL) and removes its folder; waits up to
    /// about 5 s for it to finish.
    func close() async {
        guard let service, let stopped else { return }
        service.shutdown()
        for _ in 0..<500 where !stopped.isSet { try? await Task.sleep(for: .milliseconds(10)) }
        if let folder { try? FileManager.default.removeItem(atPath: folder) }
    }
}
