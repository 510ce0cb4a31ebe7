import Foundation

extension KVStore {
    /// One page of live names starting with `prefix`, ascending by bytes, as Workers KV's `list`.
    ///
    /// `limit` is 1...1000 (Workers KV's maximum, and the default when nil). The cursor is opaque to
    /// callers: the base64 of the last name returned, so the next page starts strictly after it
    /// and stays correct when keys are added or removed between pages.
    public func list(
        namespace: String, prefix: String = "", limit: Int? = nil, cursor: String? = nil
    ) throws(KVError) -> KVListPage {
        let limit = limit ?? KVLimits.maximumListLimit
        guard (1...KVLimits.maximumListLimit).contains(limit) else {
            throw KVError(
                .invalidArgument, "limit must be between 1 and \(KVLimits.maximumListLimit), received \(limit)")
        }
        if prefix.utf8.count > KVLimits.maximumKeyBytes {
            throw KVError(.keyTooLong, "prefix is \(prefix.utf8.count) bytes; keys are at most 512 bytes")
        }
        if namespace.isEmpty { throw KVError(.invalidArgument, "namespace must not be empty") }
        let after = try cursor.map { cursor throws(KVError) in try Self.decodeCursor(cursor) } ?? []
        let nowMillis = now()
        return try withReader { connection throws(KVError) in
            let statement = connection.list
            defer { statement.reset() }
            statement.bind(1, text: namespace)
            statement.bind(2, blob: Array(prefix.utf8))
            statement.bind(3, blob: after)
            statement.bind(4, blob: Self.upperBound(prefix: Array(prefix.utf8)))
            statement.bind(5, int: nowMillis)
            statement.bind(6, int: Int64(limit + 1))
            var keys: [KVListedKey] = []
            var lastName: [UInt8] = []
            var more = false
            while try statement.step() {
                if keys.count == limit {
                    more = true
                    break
                }
                lastName = statement.blob(0)
                keys.append(
                    KVListedKey(
                        name: String(decoding: lastName, as: UTF8.self),
                        expiration: statement.optionalInt64(1).map(Self.seconds), metadata: statement.optionalText(2)))
            }
            return KVListPage(
                keys: keys, listComplete: !more, cursor: more ? Data(lastName).base64EncodedString() : nil)
        }
    }

    /// The smallest byte string greater than every key starting with `prefix`: the prefix with its
    /// last non-0xFF byte incremented, or, when there is none, a string above every legal key
    /// (513 bytes of 0xFF, longer than the 512-byte key limit).
    static func upperBound(prefix: [UInt8]) -> [UInt8] {
        var bound = prefix
        while let last = bound.last {
            if last < 0xFF {
                bound[bound.count - 1] = last + 1
                return bound
            }
            bound.removeLast()
        }
        return [UInt8](repeating: 0xFF, count: KVLimits.maximumKeyBytes + 1)
    }

    static func decodeCursor(_ cursor: String) throws(KVError) -> [UInt8] {
        guard let data = Data(base64Encoded: cursor), !data.isEmpty, data.count <= KVLimits.maximumKeyBytes else {
            throw KVError(.invalidArgument, "cursor '\(cursor.prefix(40))' is not one this service returned")
        }
        return Array(data)
    }
}
