/// Workers KV's documented limits, enforced with clear errors by the store and checked early by
/// the client (so an oversized value fails before it is framed and sent).
public enum KVLimits {
    /// Keys are at most 512 bytes of UTF-8 (Workers KV limit).
    public static let maximumKeyBytes = 512
    /// Values are at most 25 MiB (Workers KV limit).
    public static let maximumValueBytes = 25 * 1024 * 1024
    /// Metadata is at most 1024 bytes once serialized (Workers KV limit).
    public static let maximumMetadataBytes = 1024
    /// A list returns at most 1000 names per page (Workers KV limit and default).
    public static let maximumListLimit = 1000
    /// Namespace names are short identifiers; this bounds them on the wire.
    public static let maximumNamespaceBytes = 255

    /// Throws the error a request with this key would get.
    public static func check(namespace: String, key: String) throws(KVError) {
        if namespace.isEmpty || namespace.utf8.count > maximumNamespaceBytes {
            throw KVError(
                .invalidArgument,
                "namespace must be 1 to \(maximumNamespaceBytes) bytes, received \(namespace.utf8.count)")
        }
        if key.isEmpty { throw KVError(.invalidArgument, "key must not be empty") }
        let count = key.utf8.count
        if count > maximumKeyBytes {
            throw KVError(.keyTooLong, "key is \(count) bytes; the limit is \(maximumKeyBytes) bytes")
        }
    }

    /// Throws the error a put of this size would get.
    public static func check(valueCount: Int, metadata: String?) throws(KVError) {
        if valueCount > maximumValueBytes {
            throw KVError(
                .valueTooLarge, "value is \(valueCount) bytes; the limit is \(maximumValueBytes) bytes (25 MiB)")
        }
        if let metadata, metadata.utf8.count > maximumMetadataBytes {
            throw KVError(
                .metadataTooLarge,
                "metadata is \(metadata.utf8.count) bytes; the limit is \(maximumMetadataBytes) bytes")
        }
    }

    /// Throws the error an expiration would get: TTLs start at one second, absolute times must be
    /// in the future (`nowMillis` is the current time in milliseconds since the epoch).
    public static func check(expiration: KVExpiration?, nowMillis: Int64) throws(KVError) {
        switch expiration {
        case nil: return
        case .ttl(let seconds):
            if seconds < 1 || seconds > Int64(Int32.max) * 100 {
                throw KVError(.invalidArgument, "expirationTtl must be at least 1 second, received \(seconds)")
            }
        case .at(let unixSeconds):
            if unixSeconds > Int64(Int32.max) * 100 {
                throw KVError(.invalidArgument, "expiration \(unixSeconds) is too far in the future")
            }
            if unixSeconds * 1000 <= nowMillis {
                throw KVError(
                    .invalidArgument,
                    "expiration \(unixSeconds) is not in the future (now is \(nowMillis / 1000) seconds since the epoch)"
                )
            }
        }
    }
}
