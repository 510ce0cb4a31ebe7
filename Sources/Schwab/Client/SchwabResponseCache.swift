/// The answers one user's client may reuse: successful GETs whose request said
/// `.ttl(seconds:)`, keyed by method, API, path and sorted query, bounded in entries and in bytes
/// (expired entries go first, then the least recently used). Pure: the caller passes the time
/// and keeps it behind a lock.
public struct SchwabResponseCache: Sendable {
    struct Entry: Sendable {
        var response: SchwabResponse
        var expires: Double
        var lastUse: UInt64
        var size: Int
    }

    /// Most entries kept.
    public let capacity: Int
    /// Most body bytes kept (as Schwab sent them); one answer above a quarter of it is not kept,
    /// so a single option chain cannot push out everything else.
    public let maxBytes: Int
    private var entries: [String: Entry] = [:]
    private var useCounter: UInt64 = 0
    /// Body bytes held.
    public private(set) var bytes = 0
    /// Lookups answered from the cache.
    public private(set) var hits = 0
    /// Lookups that found nothing fresh.
    public private(set) var misses = 0

    /// An empty cache of at most `capacity` entries (at least 1) and `maxBytes` body bytes.
    public init(capacity: Int = 512, maxBytes: Int = 8 << 20) {
        self.capacity = max(1, capacity)
        self.maxBytes = max(1, maxBytes)
    }

    /// Entries held (fresh or not yet swept).
    public var count: Int { entries.count }

    /// The cache key: `GET marketData /quotes?fields=quote&symbols=AAPL`, query sorted by name
    /// then value so the same question asked in another order hits.
    public static func key(_ request: SchwabRequest) -> String {
        let query = request.query.sorted { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }
            .map { SchwabURL.encode($0.0) + "=" + SchwabURL.encode($0.1) }.joined(separator: "&")
        return request.method.rawValue + " " + request.service.rawValue + " " + request.path
            + (query.isEmpty ? "" : "?" + query)
    }

    /// The fresh answer for `key` at `now` (seconds, any monotonic origin), counting a hit or miss.
    public mutating func lookup(_ key: String, now: Double) -> SchwabResponse? {
        guard var entry = entries[key] else {
            misses += 1
            return nil
        }
        guard entry.expires > now else {
            remove(key)
            misses += 1
            return nil
        }
        useCounter += 1
        entry.lastUse = useCounter
        entries[key] = entry
        hits += 1
        return entry.response
    }

    /// Keeps `response` (whose body was `size` bytes) under `key` for `ttl` seconds from `now`;
    /// makes room by dropping expired entries, then the least recently used.
    public mutating func store(_ response: SchwabResponse, key: String, ttl: Int, now: Double, size: Int = 0) {
        guard ttl > 0, size <= maxBytes / 4 else { return }
        remove(key)
        if entries.count >= capacity || bytes + size > maxBytes {
            for (expired, entry) in entries where entry.expires <= now {
                bytes -= entry.size
                entries[expired] = nil
            }
        }
        while entries.count >= capacity || bytes + size > maxBytes,
            let oldest = entries.min(by: { $0.value.lastUse < $1.value.lastUse })
        {
            remove(oldest.key)
        }
        useCounter += 1
        entries[key] = Entry(response: response, expires: now + Double(ttl), lastUse: useCounter, size: max(0, size))
        bytes += max(0, size)
    }

    /// Forgets everything (counters stay).
    public mutating func removeAll() {
        entries.removeAll()
        bytes = 0
    }

    private mutating func remove(_ key: String) {
        if let old = entries.removeValue(forKey: key) { bytes -= old.size }
    }
}

/// The cache's counters, for `status` and `scripts/bench tools`.
public struct SchwabCacheStats: Sendable, Equatable {
    /// Whether the client uses its cache.
    public var enabled: Bool
    /// Lookups answered from the cache.
    public var hits: Int
    /// Lookups that went to Schwab.
    public var misses: Int
    /// Entries held.
    public var entries: Int
}
