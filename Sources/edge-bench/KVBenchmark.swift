import EdgeKV
import Foundation
import Synchronization

/// `edge-bench kv`: gets, puts and lists per second through our `KVClient` against our KV
/// service, and the same operations against `redis-server` through `RESPClient`, side by side.
///
/// Each of N workers keeps exactly one request in flight on its own connection, for both systems.
/// Our workers are Swift tasks awaiting the real async client (what the router and hosts use);
/// Redis's workers are plain threads with a blocking client, the fastest way to drive it.
/// The list equivalent in Redis is ZRANGEBYLEX over a sorted set holding the names: like our
/// list, it returns names in byte order within a prefix range, 100 per call, without scanning
/// unrelated keys (SCAN MATCH would be unordered and walk the whole keyspace).
struct KVBenchmark {
    var socketPath: String
    var redisSocketPath: String
    var clientCounts: [Int]
    var seconds: Double
    var keyCount = 1000
    var valueBytes = 100
    var pageSize = 100

    enum Operation: String, CaseIterable {
        case get, put, list
    }

    static let namespace = "BENCH"

    func keys() -> [String] { (0..<keyCount).map { String(format: "bench:key:%05d", $0) } }
    func listNames() -> [String] { (0..<keyCount).map { String(format: "bench:list:%05d", $0) } }

    /// Loads the same data into both systems.
    func populate() async throws {
        let value = [UInt8](repeating: 0x61, count: valueBytes)
        let ours = KVClient(socketPath: socketPath)
        let redis = try RESPClient(socketPath: redisSocketPath)
        _ = try redis.command("FLUSHALL")
        for key in keys() {
            _ = try await ours.put(namespace: Self.namespace, key: key, value: value)
            _ = try redis.command([Array("SET".utf8), Array(key.utf8), value])
        }
        for name in listNames() {
            _ = try await ours.put(namespace: Self.namespace, key: name, value: [1])
            _ = try redis.command("ZADD", "bench:index", "0", name)
        }
        let page = try await ours.list(namespace: Self.namespace, prefix: "bench:list:", limit: pageSize)
        let redisPage = try redis.command(
            "ZRANGEBYLEX", "bench:index", "[bench:list:", "(bench:list;", "LIMIT", "0", "\(pageSize)")
        guard case .array(let items) = redisPage, items.count == pageSize, page.keys.count == pageSize else {
            throw RESPClient.Failure(description: "the list equivalents do not return \(pageSize) names each")
        }
    }

    /// Operations per second for our service with `clients` workers.
    ///
    /// With `shared`, every worker calls one `KVClient`, whose requests are pipelined on one
    /// connection (how the router and hosts use it); otherwise each worker has its own client.
    /// With `onReactor`, the workers prefer `KVClient.taskExecutor` and resume on the client's
    /// reader thread (one thread hand-off fewer per call).
    func measureOurs(_ operation: Operation, clients: Int, shared: Bool, onReactor: Bool) async throws -> Double {
        let keys = self.keys()
        let value = [UInt8](repeating: 0x62, count: valueBytes)
        let stop = StopFlag()
        let one = KVClient(socketPath: socketPath)
        let clientsList = (0..<clients).map { _ in shared ? one : KVClient(socketPath: socketPath) }
        for client in clientsList { try await client.ping() }
        let start = ContinuousClock.now
        stop.stop(after: seconds)
        let pageSize = self.pageSize
        let total = try await withThrowingTaskGroup(of: Int.self) { group in
            for (worker, client) in clientsList.enumerated() {
                group.addTask(executorPreference: onReactor ? KVClient.taskExecutor : nil) {
                    var count = 0
                    var next = worker &* 7919
                    while !stop.isStopped {
                        next = (next &+ 7) % keys.count
                        switch operation {
                        case .get: _ = try await client.get(namespace: Self.namespace, key: keys[next])
                        case .put: _ = try await client.put(namespace: Self.namespace, key: keys[next], value: value)
                        case .list:
                            _ = try await client.list(namespace: Self.namespace, prefix: "bench:list:", limit: pageSize)
                        }
                        count += 1
                    }
                    return count
                }
            }
            return try await group.reduce(0, +)
        }
        return Double(total) / (ContinuousClock.now - start).seconds
    }

    /// Operations per second for redis-server with `clients` worker threads.
    func measureRedis(_ operation: Operation, clients: Int) throws -> Double {
        let keys = self.keys().map { Array($0.utf8) }
        let value = [UInt8](repeating: 0x62, count: valueBytes)
        let get = Array("GET".utf8)
        let set = Array("SET".utf8)
        let range = ["ZRANGEBYLEX", "bench:index", "[bench:list:", "(bench:list;", "LIMIT", "0", "\(pageSize)"]
            .map { Array($0.utf8) }
        let connections = try (0..<clients).map { _ in UncheckedBox(try RESPClient(socketPath: redisSocketPath)) }
        return try measureOnThreads(clients: clients) { worker, next in
            let connection = connections[worker].value
            switch operation {
            case .get: _ = try connection.command([get, keys[next]])
            case .put: _ = try connection.command([set, keys[next], value])
            case .list: _ = try connection.command(range)
            }
        }
    }

    /// Operations per second for our service driven like Redis: blocking threads, raw frames.
    func measureOursBlocking(_ operation: Operation, clients: Int) throws -> Double {
        let keys = self.keys()
        let value = [UInt8](repeating: 0x62, count: valueBytes)
        let connections = try (0..<clients).map { _ in UncheckedBox(try KVBlockingConnection(socketPath: socketPath)) }
        let pageSize = self.pageSize
        return try measureOnThreads(clients: clients) { worker, next in
            let connection = connections[worker].value
            switch operation {
            case .get: _ = try connection.call(.get(namespace: Self.namespace, key: keys[next]))
            case .put:
                _ = try connection.call(
                    .put(
                        namespace: Self.namespace, key: keys[next], value: value, expiration: nil, metadata: nil,
                        ifVersion: nil))
            case .list:
                _ = try connection.call(
                    .list(namespace: Self.namespace, prefix: "bench:list:", limit: pageSize, cursor: nil))
            }
        }
    }

    /// Runs `body(worker, keyIndex)` in a loop on `clients` threads for the window; returns ops/s.
    func measureOnThreads(clients: Int, _ body: @escaping @Sendable (Int, Int) throws -> Void) throws -> Double {
        let stop = StopFlag()
        let counts = Mutex([Int]())
        let failure = Mutex<String?>(nil)
        let done = DispatchGroup()
        let keyCount = self.keyCount
        let start = ContinuousClock.now
        stop.stop(after: seconds)
        for worker in 0..<clients {
            done.enter()
            Thread {
                var count = 0
                var next = worker &* 7919
                do {
                    while !stop.isStopped {
                        next = (next &+ 7) % keyCount
                        try body(worker, next)
                        count += 1
                    }
                } catch {
                    failure.withLock { $0 = "\(error)" }
                }
                counts.withLock { $0.append(count) }
                done.leave()
            }.start()
        }
        done.wait()
        if let message = failure.withLock({ $0 }) { throw RESPClient.Failure(description: message) }
        return Double(counts.withLock { $0.reduce(0, +) }) / (ContinuousClock.now - start).seconds
    }

    /// Runs every operation at every client count and prints the table.
    func run() async throws {
        try await populate()
        print("KV benchmark: \(seconds)s per cell, \(keyCount) keys of \(valueBytes) bytes, lists of \(pageSize) names")
        print("redis:    redis-server over RESP, one blocking thread and connection per worker (the peer)")
        print("kvclient: our service through the async KVClient, one client (connection) per worker")
        print("executor: the same, workers preferring KVClient.taskExecutor (resumed on the reader thread)")
        print("shared:   one KVClient shared by all workers, pipelined on one connection (16 clients only)")
        print("frames:   our service driven exactly like redis: blocking threads, raw frames, one connection each")
        print(Self.row(["op", "clients", "redis/s", "variant", "ours/s", "ours/redis"]))
        for clients in clientCounts {
            for operation in Operation.allCases {
                let redis = try measureRedis(operation, clients: clients)
                var variants: [(String, Double)] = [
                    ("kvclient", try await measureOurs(operation, clients: clients, shared: false, onReactor: false)),
                    ("executor", try await measureOurs(operation, clients: clients, shared: false, onReactor: true)),
                ]
                if clients > 1 {
                    variants.append(
                        ("shared", try await measureOurs(operation, clients: clients, shared: true, onReactor: false)))
                }
                variants.append(("frames", try measureOursBlocking(operation, clients: clients)))
                for (index, (name, rate)) in variants.enumerated() {
                    let lead =
                        index == 0 ? [operation.rawValue, "\(clients)", String(format: "%.0f", redis)] : ["", "", ""]
                    print(Self.row(lead + [name, String(format: "%.0f", rate), String(format: "%.2f", rate / redis)]))
                }
            }
        }
    }

    private static func row(_ cells: [String]) -> String {
        cells.map { $0.padding(toLength: 11, withPad: " ", startingAt: 0) }.joined()
    }
}

/// Tells workers when the measuring window has closed.
final class StopFlag: Sendable {
    private let flag = Atomic(false)
    var isStopped: Bool { flag.load(ordering: .relaxed) }

    func stop(after seconds: Double) {
        Thread { [self] in
            Thread.sleep(forTimeInterval: seconds)
            flag.store(true, ordering: .relaxed)
        }.start()
    }
}

/// Carries a value confined to the one thread it is handed to.
final class UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
