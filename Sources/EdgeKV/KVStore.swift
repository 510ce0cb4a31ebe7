import Foundation
import Synchronization

/// Workers KV's semantics over one SQLite file in WAL mode, plus versions and compare-and-swap.
///
/// Reads run on a pool of reader connections (WAL lets readers run beside the writer and each
/// other); all writes go through one writer connection inside a `Mutex`, so a compare-and-swap's
/// read and write are one transaction with no lost update. Consistency is strong: a write returns
/// only after COMMIT, and every read that starts afterwards opens a fresh WAL snapshot that
/// contains it.
///
/// Time comes from the injected `now` (milliseconds since the epoch) so tests can expire keys
/// without sleeping. Every read filters `expiration > now`, so an expired key is never returned
/// even before `sweepExpired()` deletes it.
public final class KVStore: Sendable {
    /// The database file.
    public let path: String
    let now: @Sendable () -> Int64
    private let writer: Mutex<KVStoreConnection?>
    private let readers: Mutex<ReaderPool>
    private let fsyncEachCommit: Bool

    private struct ReaderPool: ~Copyable {
        var idle: [KVStoreConnection] = []
        var closed = false
    }

    /// The system clock in milliseconds since the Unix epoch.
    public static let systemClock: @Sendable () -> Int64 = {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }

    /// Opens (creating when absent) the store at `path`.
    ///
    /// - Parameters:
    ///   - fsyncEachCommit: `synchronous=FULL` instead of NORMAL; see `KVStoreConnection.init`
    ///     for what each guarantees against SIGKILL and against power loss.
    ///   - now: the clock, in milliseconds since the epoch.
    public init(
        path: String, fsyncEachCommit: Bool = false, now: @escaping @Sendable () -> Int64 = KVStore.systemClock
    ) throws(KVError) {
        self.path = path
        self.now = now
        self.fsyncEachCommit = fsyncEachCommit
        let connection = try KVStoreConnection(path: path, writer: true, fsyncEachCommit: fsyncEachCommit)
        writer = Mutex(connection)
        readers = Mutex(ReaderPool())
    }

    /// The live entry under `key`, or nil when absent or expired.
    public func get(namespace: String, key: String) throws(KVError) -> KVEntry? {
        try KVLimits.check(namespace: namespace, key: key)
        let nowMillis = now()
        return try withReader { connection throws(KVError) in
            let statement = connection.get
            defer { statement.reset() }
            statement.bind(1, text: namespace)
            statement.bind(2, blob: key.utf8)
            statement.bind(3, int: nowMillis)
            guard try statement.step() else { return nil }
            return KVEntry(
                value: statement.blob(0), metadata: statement.optionalText(1),
                expiration: statement.optionalInt64(2).map(Self.seconds),
                version: UInt64(bitPattern: statement.int64(3)))
        }
    }

    /// Writes `value` under `key`; returns the new version (1 for a new key, previous + 1 otherwise).
    ///
    /// With `ifVersion`, writes only when the live version equals it (0: the key must not exist
    /// or must have expired) and throws `.conflict` otherwise.
    public func put(
        namespace: String, key: String, value: [UInt8], expiration: KVExpiration? = nil, metadata: String? = nil,
        ifVersion: UInt64? = nil
    ) throws(KVError) -> UInt64 {
        let write = KVWrite.put(
            namespace: namespace, key: key, value: value, expiration: expiration, metadata: metadata,
            ifVersion: ifVersion)
        guard case .version(let version) = try applyOne(write) else { throw Self.mismatch }
        return version
    }

    /// Removes `key`; returns whether a live entry was removed. With `ifVersion`, removes only
    /// when the live version equals it (0: absent) and throws `.conflict` otherwise.
    public func delete(namespace: String, key: String, ifVersion: UInt64? = nil) throws(KVError) -> Bool {
        guard case .deleted(let deleted) = try applyOne(.delete(namespace: namespace, key: key, ifVersion: ifVersion))
        else { throw Self.mismatch }
        return deleted
    }

    private func applyOne(_ write: KVWrite) throws(KVError) -> KVResult {
        let nowMillis = now()
        let checked = try write.checked(nowMillis: nowMillis)
        return try withWriter { connection throws(KVError) in
            try connection.transaction { statements throws(KVError) in
                try checked.apply(statements, nowMillis: nowMillis)
            }
        }
    }

    private static let mismatch = KVError(.storageFailure, "internal error: a write returned a result of another kind")

    /// Deletes every expired row; returns how many. Reads already hide them, this reclaims space.
    @discardableResult
    public func sweepExpired() throws(KVError) -> Int {
        let nowMillis = now()
        return try withWriter { connection throws(KVError) in
            let sweep = try connection.writes.sweep
            defer { sweep.reset() }
            sweep.bind(1, int: nowMillis)
            _ = try sweep.step()
            return connection.database.changes
        }
    }

    /// Rows in the file, expired ones not yet swept included (for operators and the sweeper's tests).
    public func rowCount() throws(KVError) -> Int {
        try withWriter { connection throws(KVError) in
            let count = try connection.writes.count
            defer { count.reset() }
            _ = try count.step()
            return Int(count.int64(0))
        }
    }

    /// Closes every connection; later calls throw `.unavailable`. The last close checkpoints the WAL.
    public func close() {
        let idle = readers.withLock { pool in
            pool.closed = true
            defer { pool.idle = [] }
            return pool.idle
        }
        for connection in idle { connection.close() }
        writer.withLock { connection in
            connection?.close()
            connection = nil
        }
    }

    // MARK: - Connections

    func withReader<T>(_ body: (KVStoreConnection) throws(KVError) -> T) throws(KVError) -> T {
        let pooled = try readers.withLock { pool throws(KVError) -> KVStoreConnection? in
            if pool.closed { throw Self.closedError }
            return pool.idle.popLast()
        }
        let connection: KVStoreConnection
        if let pooled {
            connection = pooled
        } else {
            connection = try KVStoreConnection(path: path, writer: false, fsyncEachCommit: fsyncEachCommit)
        }
        defer {
            let keep = readers.withLock { pool in
                guard !pool.closed else { return false }
                pool.idle.append(connection)
                return true
            }
            if !keep { connection.close() }
        }
        return try body(connection)
    }

    func withWriter<T>(_ body: (KVStoreConnection) throws(KVError) -> T) throws(KVError) -> T {
        try writer.withLock { connection throws(KVError) in
            guard let connection else { throw Self.closedError }
            return try body(connection)
        }
    }

    private static let closedError = KVError(.unavailable, "the KV store is closed")

    /// Milliseconds to the seconds Workers KV reports, rounded up so a key never looks expired early.
    static func seconds(_ millis: Int64) -> Int64 { (millis + 999) / 1000 }
}
