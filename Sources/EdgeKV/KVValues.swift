/// When a key stops existing, as Workers KV's `put` options express it.
///
/// Workers KV takes either `expiration` (absolute, seconds since the epoch) or `expirationTtl`
/// (seconds from now) and refuses anything under 60 seconds; this service accepts one second and up.
public enum KVExpiration: Sendable, Hashable {
    /// Expires at this many seconds since the Unix epoch (Workers KV's `expiration`).
    case at(unixSeconds: Int64)
    /// Expires this many seconds after the write (Workers KV's `expirationTtl`).
    case ttl(seconds: Int64)
}

/// One stored value with what Workers KV's `getWithMetadata` returns, plus its version.
public struct KVEntry: Sendable, Hashable {
    /// The value's bytes, exactly as written.
    public var value: [UInt8]
    /// The metadata written with the value (JSON text by convention), or nil.
    public var metadata: String?
    /// When the key expires, in seconds since the epoch (rounded up), or nil for never.
    public var expiration: Int64?
    /// The key's version: 1 after its first write, one more after each write since.
    ///
    /// Pass it to `put(ifVersion:)` or `delete(ifVersion:)` for compare-and-swap.
    public var version: UInt64

    /// Makes an entry from its parts.
    public init(value: [UInt8], metadata: String?, expiration: Int64?, version: UInt64) {
        self.value = value
        self.metadata = metadata
        self.expiration = expiration
        self.version = version
    }

    /// The value decoded as UTF-8 text (invalid bytes become U+FFFD).
    public var text: String { String(decoding: value, as: UTF8.self) }
}

/// One name in a list result, as Workers KV's `list` returns it.
public struct KVListedKey: Sendable, Hashable {
    /// The key's name.
    public var name: String
    /// When the key expires, in seconds since the epoch, or nil.
    public var expiration: Int64?
    /// The key's metadata, or nil.
    public var metadata: String?

    /// Makes a listed key from its parts.
    public init(name: String, expiration: Int64?, metadata: String?) {
        self.name = name
        self.expiration = expiration
        self.metadata = metadata
    }
}

/// One page of a list: names in ascending byte order, and how to fetch the next page.
///
/// Mirrors Workers KV's `{ keys, list_complete, cursor }`.
public struct KVListPage: Sendable, Hashable {
    /// The names on this page, ascending.
    public var keys: [KVListedKey]
    /// True when no names follow this page.
    public var listComplete: Bool
    /// Pass this as `cursor` to fetch the next page; nil when `listComplete`.
    public var cursor: String?

    /// Makes a page from its parts.
    public init(keys: [KVListedKey], listComplete: Bool, cursor: String?) {
        self.keys = keys
        self.listComplete = listComplete
        self.cursor = cursor
    }
}
