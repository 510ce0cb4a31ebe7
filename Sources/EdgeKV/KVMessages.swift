/// The operations of the KV protocol; the byte is the frame's opcode.
///
/// Responses carry the request's opcode with the high bit set. Opcodes 6...127 are free for later
/// operations (leases, watches); a service answers one it does not know with `.unknownOperation`
/// and keeps the connection.
public enum KVOpcode: UInt8, Sendable, CaseIterable {
    case get = 1
    case put = 2
    case delete = 3
    case list = 4
    case ping = 5

    /// The bit set on a response's opcode.
    public static let responseFlag: UInt8 = 0x80
}

/// What a client asks the service to do.
public enum KVRequest: Sendable, Hashable {
    /// Read one key (value, metadata, expiration, version).
    case get(namespace: String, key: String)
    /// Write one key, optionally only when its version matches `ifVersion` (0: must not exist).
    case put(
        namespace: String, key: String, value: [UInt8], expiration: KVExpiration?, metadata: String?,
        ifVersion: UInt64?)
    /// Remove one key, optionally only when its version matches.
    case delete(namespace: String, key: String, ifVersion: UInt64?)
    /// One page of names by prefix.
    case list(namespace: String, prefix: String, limit: Int, cursor: String?)
    /// A liveness check that touches no data.
    case ping
    /// An operation this codec does not know; decoded so the service can answer it.
    case unknown(opcode: UInt8)

    /// The opcode this request travels under.
    public var opcode: UInt8 {
        switch self {
        case .get: KVOpcode.get.rawValue
        case .put: KVOpcode.put.rawValue
        case .delete: KVOpcode.delete.rawValue
        case .list: KVOpcode.list.rawValue
        case .ping: KVOpcode.ping.rawValue
        case .unknown(let opcode): opcode
        }
    }
}

/// What the service answers; each case matches one request kind, or is a failure.
public enum KVResult: Sendable, Hashable {
    /// The answer to `get`: the entry, or nil when absent or expired.
    case entry(KVEntry?)
    /// The answer to `put`: the key's new version.
    case version(UInt64)
    /// The answer to `delete`: whether a live entry was removed.
    case deleted(Bool)
    /// The answer to `list`.
    case page(KVListPage)
    /// The answer to `ping`.
    case pong
    /// The request failed; the connection stays usable.
    case failure(KVError)
}

/// A request with the id its response will carry, so many can be in flight on one connection.
public struct KVRequestFrame: Sendable, Hashable {
    /// Chosen by the client, echoed in the response.
    public var id: UInt64
    /// The operation.
    public var request: KVRequest

    /// Makes a frame from its parts.
    public init(id: UInt64, request: KVRequest) {
        self.id = id
        self.request = request
    }
}

/// A response: the id of the request it answers, the request's opcode, and the result.
public struct KVResponseFrame: Sendable, Hashable {
    /// The id of the request this answers.
    public var id: UInt64
    /// The opcode of the request this answers (without the response bit).
    public var opcode: UInt8
    /// The outcome.
    public var result: KVResult

    /// Makes a frame from its parts.
    public init(id: UInt64, opcode: UInt8, result: KVResult) {
        self.id = id
        self.opcode = opcode
        self.result = result
    }
}
