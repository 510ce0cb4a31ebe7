import CSQLite

/// One SQLite connection and the statements prepared on it.
///
/// `@unchecked Sendable` because SQLite connections are opened with `SQLITE_OPEN_NOMUTEX`: a
/// connection is used by one thread at a time, which `KVStore` guarantees by handing each out
/// from a `Mutex`-guarded pool (readers) or using it only inside a `Mutex` (the writer).
final class SQLiteConnection: @unchecked Sendable {
    private(set) var handle: OpaquePointer?
    let path: String

    /// Opens (creating when absent) the database at `path`.
    init(path: String) throws(KVError) {
        self.path = path
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(db)
            throw KVError(.storageFailure, "cannot open the KV database at \(path): \(message) (SQLite code \(rc))")
        }
        handle = db
        sqlite3_extended_result_codes(db, 1)
    }

    /// Runs SQL that returns no rows needed (schema, pragmas, BEGIN/COMMIT).
    func execute(_ sql: String) throws(KVError) {
        guard let handle else { throw KVError(.unavailable, "the KV database is closed") }
        let rc = sqlite3_exec(handle, sql, nil, nil, nil)
        if rc != SQLITE_OK { throw failure(rc, "running \(sql.prefix(40))") }
    }

    /// Compiles `sql` once, to be reset and reused for every call.
    func prepare(_ sql: String) throws(KVError) -> SQLiteStatement {
        guard let handle else { throw KVError(.unavailable, "the KV database is closed") }
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard rc == SQLITE_OK, let statement else { throw failure(rc, "preparing \(sql.prefix(40))") }
        return SQLiteStatement(statement, connection: self)
    }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    var changes: Int { handle.map { Int(sqlite3_changes($0)) } ?? 0 }

    /// A `.storageFailure` carrying SQLite's own message.
    func failure(_ rc: Int32, _ doing: String) -> KVError {
        let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
        return KVError(.storageFailure, "SQLite failed \(doing) in \(path): \(message) (code \(rc))")
    }

    /// Finalizes nothing itself: statements must be finalized first (`SQLiteStatement.finalize`).
    func close() {
        if let handle { sqlite3_close_v2(handle) }
        handle = nil
    }

    deinit { close() }
}

/// A prepared statement: bind, step, read columns, reset. Used by one thread at a time (see
/// `SQLiteConnection`).
final class SQLiteStatement: @unchecked Sendable {
    private var handle: OpaquePointer?
    private unowned let connection: SQLiteConnection

    init(_ handle: OpaquePointer, connection: SQLiteConnection) {
        self.handle = handle
        self.connection = connection
    }

    func bind(_ index: Int32, text: String) {
        sqlite3_bind_text(handle, index, text, -1, csqlite_transient())
    }

    func bind(_ index: Int32, blob: [UInt8]) {
        _ = blob.withUnsafeBytes { raw in
            // A zero-length blob still needs a non-null pointer to bind as X'' rather than NULL.
            raw.count == 0
                ? sqlite3_bind_zeroblob(handle, index, 0)
                : sqlite3_bind_blob(handle, index, raw.baseAddress, Int32(raw.count), csqlite_transient())
        }
    }

    func bind(_ index: Int32, blob: some Collection<UInt8>) { bind(index, blob: Array(blob)) }

    func bind(_ index: Int32, int: Int64?) {
        if let int { sqlite3_bind_int64(handle, index, int) } else { sqlite3_bind_null(handle, index) }
    }

    func bind(_ index: Int32, optionalText: String?) {
        if let optionalText { bind(index, text: optionalText) } else { sqlite3_bind_null(handle, index) }
    }

    /// Advances; true when a row is available, false when done.
    func step() throws(KVError) -> Bool {
        let rc = sqlite3_step(handle)
        if rc == SQLITE_ROW { return true }
        if rc == SQLITE_DONE { return false }
        throw connection.failure(rc, "stepping a statement")
    }

    /// Clears bindings and rewinds, ready for the next call.
    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }

    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    func optionalInt64(_ column: Int32) -> Int64? { isNull(column) ? nil : int64(column) }

    func blob(_ column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(handle, column))
        guard count > 0, let base = sqlite3_column_blob(handle, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: base, count: count))
    }

    func optionalText(_ column: Int32) -> String? {
        guard !isNull(column) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, column))
        guard count > 0, let base = sqlite3_column_blob(handle, column) else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: base, count: count), as: UTF8.self)
    }

    func finalize() {
        sqlite3_finalize(handle)
        handle = nil
    }
}
