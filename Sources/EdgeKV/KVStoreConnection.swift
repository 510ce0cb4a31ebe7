/// The KV table's schema and the statements one SQLite connection prepares over it.
///
/// One table holds every namespace: `(namespace, key)` is the primary key, so a get is one index
/// probe and a prefix list is one index range scan in key order. Keys are stored as BLOBs so the
/// order is plain byte order (UTF-8 byte order is code-point order), which is what Workers KV's
/// "lexicographic order" means. Expirations are stored in milliseconds so a one-second TTL lasts a
/// second, not "until the next whole second".
final class KVStoreConnection: @unchecked Sendable {
    // Confined like `SQLiteConnection`: one thread at a time, handed out by `KVStore`.
    let database: SQLiteConnection
    let get: SQLiteStatement
    let list: SQLiteStatement
    private var writeStatements: WriteStatements?

    struct WriteStatements {
        let begin: SQLiteStatement
        let commit: SQLiteStatement
        let rollback: SQLiteStatement
        let current: SQLiteStatement
        let upsert: SQLiteStatement
        let delete: SQLiteStatement
        let sweep: SQLiteStatement
        let count: SQLiteStatement
    }

    static let schema = """
        CREATE TABLE IF NOT EXISTS kv (
            namespace TEXT NOT NULL,
            key BLOB NOT NULL,
            value BLOB NOT NULL,
            metadata BLOB,
            expiration INTEGER,
            version INTEGER NOT NULL,
            PRIMARY KEY (namespace, key)
        );
        CREATE INDEX IF NOT EXISTS kv_expiration ON kv (expiration) WHERE expiration IS NOT NULL;
        """

    /// Opens a connection; `writer` creates the schema and prepares the write statements.
    ///
    /// Durability (WAL mode): `synchronous=NORMAL` writes each commit to the WAL file with
    /// `write(2)` before the commit returns, but fsyncs only at checkpoints. A commit therefore
    /// lives in the kernel's page cache the moment it is acknowledged, and survives SIGKILL of
    /// this process (or any crash of it): the next open replays the WAL. What it does not survive
    /// is power loss or a kernel crash within the window before the next checkpoint; the database
    /// stays consistent but the last commits can be lost. `synchronous=FULL` (`fsyncEachCommit`)
    /// fsyncs the WAL on every commit and closes that window too, at the cost of one disk flush per
    /// write. The design asks for "no acknowledged write lost when a process is killed", so NORMAL
    /// is the default; operators on hardware that loses power can choose FULL.
    init(path: String, writer: Bool, fsyncEachCommit: Bool) throws(KVError) {
        database = try SQLiteConnection(path: path)
        try database.execute("PRAGMA busy_timeout = 5000")
        if writer {
            try database.execute("PRAGMA journal_mode = WAL")
            try database.execute(fsyncEachCommit ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL")
            try database.execute(Self.schema)
        } else {
            try database.execute("PRAGMA query_only = 1")
        }
        get = try database.prepare(
            """
            SELECT value, metadata, expiration, version FROM kv
            WHERE namespace = ?1 AND key = ?2 AND (expiration IS NULL OR expiration > ?3)
            """)
        list = try database.prepare(
            """
            SELECT key, expiration, metadata FROM kv
            WHERE namespace = ?1 AND key >= ?2 AND key > ?3 AND key < ?4
              AND (expiration IS NULL OR expiration > ?5)
            ORDER BY key LIMIT ?6
            """)
        if writer {
            writeStatements = WriteStatements(
                begin: try database.prepare("BEGIN IMMEDIATE"),
                commit: try database.prepare("COMMIT"),
                rollback: try database.prepare("ROLLBACK"),
                current: try database.prepare("SELECT version, expiration FROM kv WHERE namespace = ?1 AND key = ?2"),
                upsert: try database.prepare(
                    """
                    INSERT INTO kv (namespace, key, value, metadata, expiration, version)
                    VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                    ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value,
                        metadata = excluded.metadata, expiration = excluded.expiration, version = excluded.version
                    """),
                delete: try database.prepare("DELETE FROM kv WHERE namespace = ?1 AND key = ?2"),
                sweep: try database.prepare("DELETE FROM kv WHERE expiration IS NOT NULL AND expiration <= ?1"),
                count: try database.prepare("SELECT count(*) FROM kv"))
        }
    }

    /// The write statements; present only on the writer connection.
    var writes: WriteStatements {
        get throws(KVError) {
            guard let writeStatements else { throw KVError(.storageFailure, "write on a read-only connection") }
            return writeStatements
        }
    }

    /// Runs `body` inside BEGIN IMMEDIATE ... COMMIT, rolling back when it throws.
    func transaction<T>(_ body: (WriteStatements) throws(KVError) -> T) throws(KVError) -> T {
        let statements = try writes
        try run(statements.begin)
        do {
            let result = try body(statements)
            try run(statements.commit)
            return result
        } catch {
            _ = try? run(statements.rollback)
            throw error
        }
    }

    private func run(_ statement: SQLiteStatement) throws(KVError) {
        defer { statement.reset() }
        _ = try statement.step()
    }

    /// Finalizes every statement and closes the connection.
    func close() {
        var all = [get, list]
        if let w = writeStatements {
            all += [w.begin, w.commit, w.rollback, w.current, w.upsert, w.delete, w.sweep, w.count]
        }
        for statement in all { statement.finalize() }
        writeStatements = nil
        database.close()
    }
}
