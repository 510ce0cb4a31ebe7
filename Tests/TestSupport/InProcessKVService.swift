import EdgeCore
import EdgeKV
import Foundation
import Synchronization

/// Milliseconds since the epoch that move only when a test says so: the clock of an
/// `InProcessKVService`, so a key's TTL runs out at the step the test chooses.
public final class ManualMillisecondClock: Sendable {
    private let millis: Mutex<Int64>

    /// A clock reading `start` until it is moved.
    public init(_ start: Int64 = 1_800_000_000_000) { millis = Mutex(start) }

    /// The time now, in milliseconds since the epoch.
    public var now: Int64 { millis.withLock { $0 } }

    /// Moves the clock forward.
    public func advance(milliseconds: Int64) { millis.withLock { $0 += milliseconds } }

    /// The clock as the closure `KVService` and `KVStore` take.
    public var function: @Sendable () -> Int64 { { [self] in now } }
}

/// The real KV service (`KVService`: its Unix socket, its SQLite file, its loops and sweeper) run
/// in this process on a thread of its own, in its own temporary folder, with a clock the test
/// gives it; a `KVClient` connected to it. Stopped, and the folder removed, when it goes away.
///
/// Why not the `schwab-mcp kv` child: a child reads the system clock, so a test of expiry must
/// sleep past a TTL and cannot say anything about the moment just before it, which a loaded
/// machine may already have passed. The service here is the same code with time in the test's hands.
public final class InProcessKVService: Sendable {
    /// The temporary folder holding the socket and the database.
    public let folder: URL
    /// The service's socket.
    public let socketPath: String
    /// The service's SQLite file.
    public let databasePath: String
    /// A client connected to the service.
    public let client: KVClient
    private let service: KVService
    private let stopped = DispatchGroup()
    private let failure = StartFailure()

    /// Starts the service (serving `namespaces`, or any name when empty, sweeping every
    /// `sweepInterval` seconds of real time by the clock `now`) and waits until it answers a ping.
    public init(
        namespaces: [String] = [], sweepInterval: Double = 30, now: @escaping @Sendable () -> Int64
    ) async throws {
        folder = try TestSupport.temporaryDirectory("kv-in-process")
        socketPath = folder.appendingPathComponent("kv.sock").path
        databasePath = folder.appendingPathComponent("kv.sqlite").path
        service = try KVService(
            configuration: .init(
                socketPath: socketPath, databasePath: databasePath, namespaces: namespaces,
                sweepInterval: sweepInterval, eventLoops: 1),
            logger: Logger(label: "kv", level: .warn), now: now)
        client = KVClient(socketPath: socketPath)
        stopped.enter()
        let (service, stopped, failure) = (service, stopped, failure)
        let thread = Thread {
            do throws(KVError) {
                try service.run()
            } catch {
                failure.message.withLock { $0 = error.message }
            }
            stopped.leave()
        }
        thread.name = "test-kv-service"
        thread.start()
        let deadline = Date().addingTimeInterval(TestSupport.hangTimeout)
        while Date() < deadline {
            if (try? await client.ping()) != nil { return }
            if let message = failure.message.withLock({ $0 }) {
                throw SetupFailure("the KV service did not start: \(message)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw SetupFailure("the KV service did not answer on \(socketPath)")
    }

    deinit {
        service.shutdown()
        stopped.wait()
        try? FileManager.default.removeItem(at: folder)
    }
}

/// Why the service's thread ended early, if it did; a class so that thread can hold it without
/// holding the service's owner (whose `deinit` is what stops the service).
private final class StartFailure: Sendable {
    let message = Mutex<String?>(nil)
}
