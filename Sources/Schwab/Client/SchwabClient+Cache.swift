import Synchronization

/// The per-user cache: the switch, the counters, and cacheable reads shared while in flight.
extension SchwabClient {
    /// Whether cacheable answers are served from the cache; turning it off also empties it.
    public var cacheEnabled: Bool {
        get { cacheSwitch.load(ordering: .relaxed) }
        set {
            cacheSwitch.store(newValue, ordering: .relaxed)
            if !newValue { cache.withLock { $0.removeAll() } }
        }
    }

    /// The cache's counters, for `status` and benchmarks.
    public var cacheStats: SchwabCacheStats {
        cache.withLock { SchwabCacheStats(enabled: cacheEnabled, hits: $0.hits, misses: $0.misses, entries: $0.count) }
    }

    /// Empties the cache (after an order, a caller may want fresh quotes).
    public func clearCache() { cache.withLock { $0.removeAll() } }

    /// A cacheable read: joins an identical one already in flight (so a burst of the same
    /// question costs Schwab one call of its 120 a minute), else sends it and caches the answer.
    func shared(
        _ request: SchwabRequest, key: String, ttl: Int, started: Double
    ) async throws(SchwabAPIError) -> SchwabResponse {
        let task = inFlight.withLock { running in
            if let task = running[key] { return task }
            let task = Task<Result<SchwabResponse, SchwabAPIError>, Never> {
                let result: Result<SchwabResponse, SchwabAPIError>
                do throws(SchwabAPIError) {
                    let (response, size) = try await self.exchange(request, started: started)
                    if self.cacheEnabled {
                        self.cache.withLock {
                            $0.store(response, key: key, ttl: ttl, now: self.options.now(), size: size)
                        }
                    }
                    result = .success(response)
                } catch {
                    result = .failure(error)
                }
                _ = self.inFlight.withLock { $0.removeValue(forKey: key) }
                return result
            }
            running[key] = task
            return task
        }
        return try await task.value.get()
    }

    /// The cache key when the request may be served from or stored in the cache.
    func cacheKey(for request: SchwabRequest) -> String? {
        guard request.method == .get, request.cache.seconds != nil, cacheEnabled else { return nil }
        return SchwabResponseCache.key(request)
    }
}
