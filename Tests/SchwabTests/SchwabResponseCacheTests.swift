import EdgeCore
import EdgeHTTP
import Testing

@testable import Schwab

/// The per-user answer cache: keys, expiry, bounds and counters.
@Suite struct SchwabResponseCacheTests {
    func quotes(_ query: [(String, String)]) -> SchwabRequest {
        SchwabRequest(.get, .marketData, "/quotes", query: query, cache: .ttl(seconds: 5))
    }

    @Test func theKeyHoldsMethodServicePathAndTheSortedEncodedQuery() {
        let a = SchwabResponseCache.key(quotes([("symbols", "AAPL,$SPX"), ("fields", "quote")]))
        let b = SchwabResponseCache.key(quotes([("fields", "quote"), ("symbols", "AAPL,$SPX")]))
        #expect(a == b)
        #expect(a == "GET marketData /quotes?fields=quote&symbols=AAPL%2C%24SPX")
        #expect(SchwabResponseCache.key(SchwabRequest(.trader, "/quotes")) == "GET trader /quotes")
        #expect(a != SchwabResponseCache.key(quotes([("symbols", "AAPL")])))
        // A value holding `&` cannot forge another query.
        #expect(
            SchwabResponseCache.key(quotes([("a", "1&b=2")]))
                != SchwabResponseCache.key(quotes([("a", "1"), ("b", "2")])))
    }

    @Test func entriesExpireAfterTheirLifetime() {
        var cache = SchwabResponseCache()
        let response = SchwabResponse(status: 200, json: ["x": 1], correlationId: "c")
        #expect(cache.lookup("k", now: 0) == nil)
        cache.store(response, key: "k", ttl: 5, now: 100)
        #expect(cache.lookup("k", now: 104.9)?.json == ["x": 1])
        #expect(cache.lookup("k", now: 105) == nil)
        #expect(cache.hits == 1 && cache.misses == 2 && cache.count == 0)
    }

    @Test func aZeroLifetimeStoresNothing() {
        var cache = SchwabResponseCache()
        cache.store(SchwabResponse(status: 200, json: .null), key: "k", ttl: 0, now: 0)
        #expect(cache.count == 0)
        #expect(SchwabCachePolicy.ttl(seconds: 0).seconds == nil && SchwabCachePolicy.none.seconds == nil)
        #expect(SchwabCachePolicy.ttl(seconds: 30).seconds == 30)
    }

    @Test func aFullCacheDropsExpiredEntriesThenTheLeastRecentlyUsed() {
        var cache = SchwabResponseCache(capacity: 3)
        let r = SchwabResponse(status: 200, json: .null)
        cache.store(r, key: "a", ttl: 100, now: 0)
        cache.store(r, key: "b", ttl: 100, now: 0)
        cache.store(r, key: "c", ttl: 100, now: 0)
        _ = cache.lookup("a", now: 1)  // a is now more recent than b
        cache.store(r, key: "d", ttl: 100, now: 1)
        #expect(cache.count == 3)
        #expect(cache.lookup("b", now: 2) == nil)
        #expect(
            cache.lookup("a", now: 2) != nil && cache.lookup("c", now: 2) != nil && cache.lookup("d", now: 2) != nil)
        // Expired entries go first, however recently used.
        cache.store(r, key: "short", ttl: 1, now: 2)  // evicts the LRU (a)
        cache.store(r, key: "e", ttl: 100, now: 10)  // "short" expired: it goes, nothing fresh is lost
        #expect(cache.lookup("c", now: 10) != nil && cache.lookup("d", now: 10) != nil)
        #expect(cache.lookup("e", now: 10) != nil && cache.count == 3)
    }

    @Test func replacingAKeyDoesNotEvictAnother() {
        var cache = SchwabResponseCache(capacity: 2)
        cache.store(SchwabResponse(status: 200, json: 1), key: "a", ttl: 10, now: 0)
        cache.store(SchwabResponse(status: 200, json: 2), key: "b", ttl: 10, now: 0)
        cache.store(SchwabResponse(status: 200, json: 3), key: "a", ttl: 10, now: 0)
        #expect(cache.lookup("a", now: 1)?.json == 3 && cache.lookup("b", now: 1)?.json == 2)
    }

    @Test func theByteBudgetEvictsTheLeastRecentlyUsedAndRefusesHugeAnswers() {
        var cache = SchwabResponseCache(capacity: 100, maxBytes: 1000)
        let r = SchwabResponse(status: 200, json: .null)
        cache.store(r, key: "a", ttl: 100, now: 0, size: 200)
        cache.store(r, key: "b", ttl: 100, now: 0, size: 200)
        cache.store(r, key: "c", ttl: 100, now: 0, size: 200)
        cache.store(r, key: "d", ttl: 100, now: 0, size: 200)
        #expect(cache.bytes == 800)
        _ = cache.lookup("a", now: 1)
        cache.store(r, key: "e", ttl: 100, now: 1, size: 250)  // needs 50 more: b (least recent) goes
        #expect(cache.bytes == 850 && cache.count == 4)
        #expect(cache.lookup("b", now: 2) == nil && cache.lookup("a", now: 2) != nil)
        cache.store(r, key: "huge", ttl: 100, now: 2, size: 251)  // over a quarter of the budget
        #expect(cache.lookup("huge", now: 2) == nil && cache.bytes == 850)
        cache.store(r, key: "a", ttl: 100, now: 2, size: 10)  // replacing frees the old size
        #expect(cache.bytes == 660)
        cache.removeAll()
        #expect(cache.bytes == 0 && cache.count == 0)
    }
}

/// The operator's switch for the cache.
@Suite struct SchwabClientOptionsTests {
    @Test(
        arguments: [
            ([:], true), (["SCHWAB_CACHE": "off"], false), (["SCHWAB_CACHE": "FALSE"], false),
            (["SCHWAB_CACHE": "0"], false),
            (["SCHWAB_CACHE": "no"], false), (["SCHWAB_CACHE": "on"], true), (["OTHER": "off"], true),
        ] as [([String: String], Bool)])
    func schwabCacheOffTurnsTheCacheOff(_ vars: [String: String], _ enabled: Bool) {
        #expect(SchwabClient.Options(vars: vars).cacheEnabled == enabled)
    }
}
