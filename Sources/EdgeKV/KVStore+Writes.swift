/// One write the store can apply, alone or in a batch that commits as one transaction.
public enum KVWrite: Sendable, Hashable {
    /// See `KVStore.put(namespace:key:value:expiration:metadata:ifVersion:)`.
    case put(
        namespace: String, key: String, value: [UInt8], expiration: KVExpiration?, metadata: String?,
        ifVersion: UInt64?)
    /// See `KVStore.delete(namespace:key:ifVersion:)`.
    case delete(namespace: String, key: String, ifVersion: UInt64?)

    /// The namespace written to.
    public var namespace: String {
        switch self {
        case .put(let namespace, _, _, _, _, _), .delete(let namespace, _, _): namespace
        }
    }

    /// The write a request asks for, or nil for a read.
    public init?(_ request: KVRequest) {
        switch request {
        case .put(let namespace, let key, let value, let expiration, let metadata, let ifVersion):
            self = .put(
                namespace: namespace, key: key, value: value, expiration: expiration, metadata: metadata,
                ifVersion: ifVersion)
        case .delete(let namespace, let key, let ifVersion):
            self = .delete(namespace: namespace, key: key, ifVersion: ifVersion)
        case .get, .list, .ping, .unknown:
            return nil
        }
    }

    /// The write after every limit check, with its expiration in absolute milliseconds.
    struct Checked {
        let write: KVWrite
        let expiresAtMillis: Int64?

        /// Performs the write inside the caller's transaction. A conflict is thrown before
        /// anything is modified, so it never leaves a partial write behind.
        func apply(_ statements: KVStoreConnection.WriteStatements, nowMillis: Int64) throws(KVError) -> KVResult {
            switch write {
            case .put(let namespace, let key, let value, _, let metadata, let ifVersion):
                let current = try Self.current(statements, namespace: namespace, key: key, nowMillis: nowMillis)
                if let ifVersion, ifVersion != current.liveVersion {
                    throw Self.conflict(key: key, expected: ifVersion, actual: current.liveVersion)
                }
                let version = (current.storedVersion ?? 0) + 1
                let upsert = statements.upsert
                defer { upsert.reset() }
                upsert.bind(1, text: namespace)
                upsert.bind(2, blob: key.utf8)
                upsert.bind(3, blob: value)
                upsert.bind(4, optionalText: metadata)
                upsert.bind(5, int: expiresAtMillis)
                upsert.bind(6, int: Int64(bitPattern: version))
                _ = try upsert.step()
                return .version(version)
            case .delete(let namespace, let key, let ifVersion):
                let current = try Self.current(statements, namespace: namespace, key: key, nowMillis: nowMillis)
                if let ifVersion, ifVersion != current.liveVersion {
                    throw Self.conflict(key: key, expected: ifVersion, actual: current.liveVersion)
                }
                guard current.storedVersion != nil else { return .deleted(false) }
                let delete = statements.delete
                defer { delete.reset() }
                delete.bind(1, text: namespace)
                delete.bind(2, blob: key.utf8)
                _ = try delete.step()
                return .deleted(current.liveVersion != 0)
            }
        }

        /// The stored version (expired or not) and the live version (0 when absent or expired).
        private static func current(
            _ statements: KVStoreConnection.WriteStatements, namespace: String, key: String, nowMillis: Int64
        ) throws(KVError) -> (storedVersion: UInt64?, liveVersion: UInt64) {
            let current = statements.current
            defer { current.reset() }
            current.bind(1, text: namespace)
            current.bind(2, blob: key.utf8)
            guard try current.step() else { return (nil, 0) }
            let version = UInt64(bitPattern: current.int64(0))
            let live = current.optionalInt64(1).map { $0 > nowMillis } ?? true
            return (version, live ? version : 0)
        }

        private static func conflict(key: String, expected: UInt64, actual: UInt64) -> KVError {
            let actualText = actual == 0 ? "the key does not exist" : "its version is \(actual)"
            let expectedText = expected == 0 ? "the key to be absent" : "version \(expected)"
            return KVError(.conflict, "compare-and-swap on '\(key)' failed: expected \(expectedText) but \(actualText)")
        }
    }

    /// Checks every limit (key, value, metadata, expiration) against the clock reading `nowMillis`.
    func checked(nowMillis: Int64) throws(KVError) -> Checked {
        switch self {
        case .put(let namespace, let key, let value, let expiration, let metadata, _):
            try KVLimits.check(namespace: namespace, key: key)
            try KVLimits.check(valueCount: value.count, metadata: metadata)
            try KVLimits.check(expiration: expiration, nowMillis: nowMillis)
            let expiresAt: Int64? =
                switch expiration {
                case nil: nil
                case .at(let seconds): seconds * 1000
                case .ttl(let seconds): nowMillis + seconds * 1000
                }
            return Checked(write: self, expiresAtMillis: expiresAt)
        case .delete(let namespace, let key, _):
            try KVLimits.check(namespace: namespace, key: key)
            return Checked(write: self, expiresAtMillis: nil)
        }
    }
}

extension KVStore {
    /// Applies `writes` in order in one transaction (one commit, one WAL append) and returns one
    /// result per write, in order.
    ///
    /// Group commit: the service hands it every write that arrived in one event-loop wake-up, so
    /// concurrent writers share a commit instead of queueing for one each. A write refused for its
    /// own reasons (a limit, a compare-and-swap conflict) fails alone; the others still commit.
    /// Only a storage failure fails them all, because the transaction rolls back.
    public func apply(_ writes: [KVWrite]) -> [Result<KVResult, KVError>] {
        let nowMillis = now()
        var results: [Result<KVResult, KVError>] = writes.map { _ in .failure(KVError(.storageFailure, "not applied")) }
        var checked: [(Int, KVWrite.Checked)] = []
        for (index, write) in writes.enumerated() {
            do throws(KVError) {
                checked.append((index, try write.checked(nowMillis: nowMillis)))
            } catch {
                results[index] = .failure(error)
            }
        }
        guard !checked.isEmpty else { return results }
        do throws(KVError) {
            let applied = try withWriter { connection throws(KVError) in
                try connection.transaction { statements throws(KVError) in
                    var applied: [(Int, Result<KVResult, KVError>)] = []
                    for (index, write) in checked {
                        do throws(KVError) {
                            applied.append((index, .success(try write.apply(statements, nowMillis: nowMillis))))
                        } catch {
                            // A storage failure rolls the whole transaction back; anything else is
                            // this write's own refusal, thrown before it changed a row.
                            if error.code == .storageFailure { throw error }
                            applied.append((index, .failure(error)))
                        }
                    }
                    return applied
                }
            }
            for (index, result) in applied { results[index] = result }
        } catch {
            for (index, _) in checked { results[index] = .failure(error) }
        }
        return results
    }
}
