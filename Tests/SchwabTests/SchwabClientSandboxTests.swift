import EdgeCore
import EdgeHTTP
import EdgeNet
import Foundation
import TestSupport
import Testing

@testable import Schwab

/// The client against the real sandbox process, the real KV service and the real TokenManager:
/// reads, the one refresh after a 401, backing off through 429 and 503, orders never retried,
/// a dead sign-in, and Schwab's correlation id carried into errors and logs.
@Suite(.serialized, .realWorld) struct SchwabClientSandboxTests {
    @Test func readsOfSeveralEndpointsReturnSchwabsJSONAndCorrelationIds() async throws {
        let world = try await SchwabWorld()
        try await world.signIn()
        let client = world.client()
        let hash = try await world.firstAccountHash(client)
        let accounts = try await client.send(SchwabRequest(.trader, "/accounts", query: [("fields", "positions")]))
        #expect(accounts.status == 200 && (accounts.json.arrayValue?.count ?? 0) >= 1)
        #expect(accounts.json[0]?["securitiesAccount"] != nil)
        let account = try await client.send(SchwabRequest(.trader, "/accounts/\(hash)"))
        #expect(account.json["securitiesAccount"]?["accountNumber"] != nil)
        let preference = try await client.send(SchwabRequest(.trader, "/userPreference"))
        #expect(preference.json["streamerInfo"] != nil)
        let quotes = try await client.send(
            SchwabRequest(.marketData, "/quotes", query: [("symbols", "AAPL,MSFT"), ("fields", "quote")]))
        #expect(quotes.json["AAPL"]?["quote"]?["lastPrice"]?.doubleValue != nil)
        #expect(quotes.json["MSFT"] != nil)
        let quote = try await client.send(SchwabRequest(.marketData, "/AAPL/quotes"))
        #expect(quote.json["AAPL"] != nil)
        let hours = try await client.send(SchwabRequest(.marketData, "/markets", query: [("markets", "equity")]))
        #expect(hours.json["equity"] != nil)
        let instruments = try await client.send(
            SchwabRequest(.marketData, "/instruments", query: [("symbol", "AAPL"), ("projection", "symbol-search")]))
        #expect(instruments.json["instruments"]?.arrayValue?.isEmpty == false)
        for response in [accounts, account, quotes, quote, hours, instruments] {
            #expect(response.correlationId?.count == 36)
        }
        // One line per call; the account hash never appears, the redacted path does.
        let log = world.logText
        #expect(log.contains("/accounts/***") && !log.contains(hash))
        #expect(log.contains(quotes.correlationId ?? "missing"))
        #expect(world.sleeps.values.isEmpty)
    }

    @Test func cachedReadsAreServedFromTheCacheOnlyWhenAllowedAndEnabled() async throws {
        let world = try await SchwabWorld()
        try await world.signIn()
        let client = world.client()
        let quotes = SchwabRequest(.marketData, "/quotes", query: [("symbols", "AAPL")], cache: .ttl(seconds: 60))
        let first = try await client.send(quotes)
        let reordered = SchwabRequest(.marketData, "/quotes", query: [("symbols", "AAPL")], cache: .ttl(seconds: 60))
        let second = try await client.send(reordered)
        #expect(second.correlationId == first.correlationId)  // the same answer, not a new call
        #expect(client.cacheStats == SchwabCacheStats(enabled: true, hits: 1, misses: 1, entries: 1))
        // No policy: always asked.
        let fresh = try await client.send(SchwabRequest(.marketData, "/quotes", query: [("symbols", "AAPL")]))
        #expect(fresh.correlationId != first.correlationId)
        // A failing call is not cached: Schwab is asked again next time.
        let missing = SchwabRequest(.marketData, "/instruments/000000000", cache: .ttl(seconds: 60))
        await #expect(throws: SchwabAPIError.self) { try await client.send(missing) }
        await #expect(throws: SchwabAPIError.self) { try await client.send(missing) }
        #expect(client.cacheStats.misses == 3 && client.cacheStats.entries == 1)
        // Turned off, as `scripts/bench tools` compares: every call goes to Schwab.
        client.cacheEnabled = false
        let off1 = try await client.send(quotes)
        let off2 = try await client.send(quotes)
        #expect(off1.correlationId != off2.correlationId && off1.correlationId != first.correlationId)
        #expect(client.cacheStats.entries == 0 && !client.cacheStats.enabled)
        let disabled = world.client(cache: false)
        let d1 = try await disabled.send(quotes)
        let d2 = try await disabled.send(quotes)
        #expect(d1.correlationId != d2.correlationId && disabled.cacheStats.hits == 0)
    }

    @Test func identicalCacheableReadsInFlightShareOneCallToSchwab() async throws {
        let world = try await SchwabWorld()
        try await world.signIn()
        let client = world.client()
        // The first call to reach Schwab is slow, so the others arrive while it is in flight.
        try await world.admin(
            .post, "/admin/faults", ["pathPattern": "/marketdata/v1/quotes", "latencyMs": 500, "count": 1])
        let quotes = SchwabRequest(.marketData, "/quotes", query: [("symbols", "MSFT")], cache: .quotes)
        let ids = try await withThrowingTaskGroup(of: String?.self) { group in
            for _ in 0..<6 { group.addTask { try await client.send(quotes).correlationId } }
            return try await group.reduce(into: [String?]()) { $0.append($1) }
        }
        #expect(ids.count == 6 && Set(ids).count == 1 && ids[0] != nil)
        #expect(client.cacheStats.entries == 1)
        // Uncacheable reads are never shared: each is its own call.
        try await world.admin(
            .post, "/admin/faults", ["pathPattern": "/marketdata/v1/quotes", "latencyMs": 300, "count": 1])
        let fresh = SchwabRequest(.marketData, "/quotes", query: [("symbols", "MSFT")])
        let freshIds = try await withThrowingTaskGroup(of: String?.self) { group in
            for _ in 0..<3 { group.addTask { try await client.send(fresh).correlationId } }
            return try await group.reduce(into: [String?]()) { $0.append($1) }
        }
        #expect(Set(freshIds).count == 3)
    }

    @Test func a401MidSessionIsRecoveredByExactlyOneRefreshEvenForConcurrentCalls() async throws {
        let world = try await SchwabWorld()
        let original = try await world.signIn()
        let client = world.client()
        _ = try await client.send(SchwabRequest(.trader, "/accounts/accountNumbers"))
        // Schwab revokes every access token; the refresh tokens stay good.
        try await world.admin(.post, "/admin/expire-tokens", ["keepRefreshTokens": true])
        let results = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<6 {
                group.addTask { try await client.send(SchwabRequest(.trader, "/accounts/accountNumbers")).status }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(results == Array(repeating: 200, count: 6))
        #expect(world.manager.refreshes == 1)
        let stored = try #require(
            try await world.store.load(schwabUserId: SchwabWorld.userId, clientId: SchwabWorld.clientId))
        #expect(stored.accessToken != original.accessToken)
        // Later calls use the new token without refreshing again.
        _ = try await client.send(SchwabRequest(.trader, "/userPreference"))
        #expect(world.manager.refreshes == 1)
        // Revoked again moments later: recovered again, with one more refresh.
        try await world.admin(.post, "/admin/expire-tokens", ["keepRefreshTokens": true])
        _ = try await client.send(SchwabRequest(.trader, "/userPreference"))
        #expect(world.manager.refreshes == 2)
        #expect(world.logText.contains("refreshing the access token"))
        #expect(!world.logText.contains(stored.accessToken) && !world.logText.contains(original.accessToken))
    }

    @Test func a401ThatPersistsAfterTheRefreshIsAnInvalidTokenErrorWithItsCorrelationId() async throws {
        let world = try await SchwabWorld()
        try await world.signIn()
        let client = world.client()
        try await world.fault("/trader/v1/userPreference", status: 401, count: 4)
        let error = await #expect(throws: SchwabAPIError.self) {
            try await client.send(SchwabRequest(.trader, "/userPreference"))
        }
        #expect(error?.kind == .invalidToken && error?.status == 401)
        #expect(error?.correlationId?.count == 36)
        // Two attempts: the first and the one retry after the refresh.
        #expect(try await world.faults().first?["remaining"]?.intValue == 2)
        #expect(world.manager.refreshes == 1)
        // Still refused (as when no account is linked to the app): the next call sends once and
        // does not refresh the token that a refresh just made and Schwab refused.
        let again = await #expect(throws: SchwabAPIError.self) {
            try await client.send(SchwabRequest(.trader, "/userPreference"))
        }
        #expect(again?.kind == .invalidToken)
        #expect(world.manager.refreshes == 1)
        #expect(try await world.faults().first?["remaining"]?.intValue == 1)
        // Once Schwab accepts the token again, calls succeed.
        try await world.admin(.delete, "/admin/faults")
        #expect(try await client.send(SchwabRequest(.trader, "/userPreference")).status == 200)
    }

    @Test func readsSurvive429And503ByBackingOff() async throws {
        let world = try await SchwabWorld()
        try await world.signIn()
        let client = world.client()
        try await world.fault("/marketdata/v1/quotes", status: 429, count: 2)
        let quotes = try await client.send(SchwabRequest(.marketData, "/quotes", query: [("symbols", "AAPL")]))
        #expect(quotes.json["AAPL"] != nil)
        // Jittered exponential steps (the sandbox sends no Retry-After): 250 ms then 500 ms, 3/4 of each.
        #expect(world.sleeps.values == [.milliseconds(187.5), .milliseconds(375)])
        world.sleeps.removeAll()
        try await world.fault("/trader/v1/accounts", status: 503, count: 2)
        let accounts = try await client.send(SchwabRequest(.trader, "/accounts"))
        #expect(accounts.status == 200 && world.sleeps.values.count == 2)
        // Dropped connections: libcurl re-sends a read once on a fresh connection by itself when a
        // reused one dies; when that drops too, the client backs off and tries again.
        world.sleeps.removeAll()
        try await world.fault("/marketdata/v1/markets", drop: true, count: 2)
        let hours = try await client.send(SchwabRequest(.marketData, "/markets", query: [("markets", "option")]))
        #expect(hours.json["option"] != nil)
        #expect(world.sleeps.values.count == 1)
        #expect(try await world.faults().isEmpty)
        #expect(world.logText.contains("schwab call retrying"))
    }

    @Test func readsGiveUpAfterTheBoundWithTheLastErrorAndItsCorrelationId() async throws {
        let world = try await SchwabWorld()
        try await world.signIn()
        let client = world.client()
        try await world.fault("/trader/v1/accounts", status: 503, count: 5)
        let error = await #expect(throws: SchwabAPIError.self) {
            try await client.send(SchwabRequest(.trader, "/accounts"))
        }
        #expect(error?.kind == .serverError && error?.status == 503 && error?.correlationId?.count == 36)
        #expect(error?.message.contains("Injected fault") == true)
        #expect(try await world.faults().first?["remaining"]?.intValue == 2)  // three attempts
        try await world.admin(.delete, "/admin/faults")
        try await world.fault("/marketdata/v1/quotes", status: 429, count: 10)
        let limited = await #expect(throws: SchwabAPIError.self) {
            try await client.send(SchwabRequest(.marketData, "/quotes", query: [("symbols", "AAPL")]))
        }
        #expect(limited?.kind == .rateLimited && limited?.status == 429)
        #expect(try await world.faults().first?["remaining"]?.intValue == 6)  // 1 + 3 retries
        #expect(world.logText.contains(limited?.correlationId ?? "missing"))
    }

    @Test func ordersAreNeverRetriedOn5xxOr429AndTheOrderIdComesFromLocation() async throws {
        let world = try await SchwabWorld()
        try await world.signIn()
        let client = world.client()
        let hash = try await world.firstAccountHash(client)
        let order: JSONValue = [
            "session": "NORMAL", "duration": "DAY", "orderType": "LIMIT", "price": 1.0, "orderStrategyType": "SINGLE",
            "orderLegCollection": [
                ["instruction": "BUY", "quantity": 1, "instrument": ["symbol": "AAPL", "assetType": "EQUITY"]]
            ],
        ]
        let place = SchwabRequest(.post, .trader, "/accounts/\(hash)/orders", body: order)
        for status in [500, 503, 429] {
            try await world.admin(.delete, "/admin/faults")
            try await world.fault("/trader/v1/accounts/*/orders", status: status, count: 2, method: "POST")
            let error = await #expect(throws: SchwabAPIError.self) { try await client.send(place) }
            #expect(error?.status == status)
            #expect(try await world.faults().first?["remaining"]?.intValue == 1)  // sent exactly once
        }
        try await world.admin(.delete, "/admin/faults")
        let now = Date()
        let window = [
            ("fromEnteredTime", Self.schwabTime(now.addingTimeInterval(-86_400))),
            ("toEnteredTime", Self.schwabTime(now.addingTimeInterval(86_400))),
        ]
        let list = SchwabRequest(.trader, "/accounts/\(hash)/orders", query: window)
        let orders = try await client.send(list)
        let before = orders.json.arrayValue?.count ?? 0
        // A dropped connection is not retried either: the order may have been placed.
        try await world.fault("/trader/v1/accounts/*/orders", drop: true, count: 1, method: "POST")
        let dropped = await #expect(throws: SchwabAPIError.self) { try await client.send(place) }
        #expect(dropped?.kind == .networkError)
        #expect(world.sleeps.values.isEmpty)
        // The real thing: 201, empty body, the id from Location.
        let placed = try await client.send(place)
        #expect(placed.status == 201 && placed.json == .null)
        let id = try #require(placed.orderId)
        #expect(placed.location?.hasSuffix("/orders/\(id)") == true)
        let fetched = try await client.send(SchwabRequest(.trader, "/accounts/\(hash)/orders/\(id)"))
        #expect(fetched.json["orderId"]?.intValue.map(String.init) == id)
        let after = try await client.send(list)
        #expect((after.json.arrayValue?.count ?? 0) == before + 1)
        let cancelled = try await client.send(SchwabRequest(.delete, .trader, "/accounts/\(hash)/orders/\(id)"))
        #expect(cancelled.status == 200 || cancelled.status == 204)
        #expect(!world.logText.contains(hash))
    }

    /// `yyyy-MM-dd'T'HH:mm:ss.SSSZ` in UTC, as the Trader API wants its order times.
    static func schwabTime(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'"
        return formatter.string(from: date)
    }

    @Test func anOrderRejectedWith401IsSentOnceMoreAfterTheRefresh() async throws {
        let world = try await SchwabWorld()
        try await world.signIn()
        let client = world.client()
        let hash = try await world.firstAccountHash(client)
        try await world.admin(.post, "/admin/expire-tokens", ["keepRefreshTokens": true])
        let order: JSONValue = [
            "session": "NORMAL", "duration": "DAY", "orderType": "MARKET", "orderStrategyType": "SINGLE",
            "orderLegCollection": [
                ["instruction": "BUY", "quantity": 1, "instrument": ["symbol": "MSFT", "assetType": "EQUITY"]]
            ],
        ]
        let placed = try await client.send(SchwabRequest(.post, .trader, "/accounts/\(hash)/orders", body: order))
        #expect(placed.status == 201 && placed.orderId != nil)
        #expect(world.manager.refreshes == 1)
    }

    @Test func aDeadRefreshTokenAsksTheUserToSignInAgain() async throws {
        let world = try await SchwabWorld()
        try await world.signIn()
        let client = world.client()
        _ = try await client.send(SchwabRequest(.trader, "/accounts/accountNumbers"))
        try await world.admin(.post, "/admin/expire-tokens", ["keepRefreshTokens": false])
        let error = await #expect(throws: SchwabAPIError.self) {
            try await client.send(SchwabRequest(.trader, "/accounts/accountNumbers"))
        }
        #expect(error?.kind == .signInRequired && error?.code == "sign_in_required")
        #expect(error?.message.contains("Sign in again") == true)
        // Nobody signed in at all: the same answer, without asking Schwab.
        try await world.store.delete(schwabUserId: SchwabWorld.userId, clientId: SchwabWorld.clientId)
        let none = await #expect(throws: SchwabAPIError.self) {
            try await client.send(SchwabRequest(.trader, "/accounts"))
        }
        #expect(none?.kind == .signInRequired)
    }

    @Test func schwabsBadRequestAndNotFoundMessagesReachTheCallerWithTheCorrelationId() async throws {
        let world = try await SchwabWorld()
        try await world.signIn()
        let client = world.client()
        let bad = await #expect(throws: SchwabAPIError.self) {
            try await client.send(SchwabRequest(.marketData, "/instruments", query: [("symbol", "AAPL")]))
        }
        #expect(bad?.kind == .badRequest && bad?.status == 400)
        #expect(bad?.message.contains("projection") == true)
        #expect(bad?.correlationId?.count == 36)
        let missing = await #expect(throws: SchwabAPIError.self) {
            try await client.send(SchwabRequest(.trader, "/accounts/NOSUCHHASH/orders/1"))
        }
        #expect(missing.map { [.notFound, .badRequest, .insufficientScope].contains($0.kind) } == true)
        #expect(missing?.correlationId?.count == 36)
        #expect(world.logText.contains(missing?.correlationId ?? "missing"))
        #expect(!world.logText.contains("NOSUCHHASH"))
        #expect(world.sleeps.values.isEmpty)
    }

    @Test func anUnreachableSchwabIsANetworkErrorAfterTheBoundedRetries() async throws {
        let world = try await SchwabWorld()
        try await world.signIn()
        let sleeps = world.sleeps
        let client = SchwabClient(
            apiBase: "http://127.0.0.1:\(TestSupport.freePort())", upstream: world.upstream,
            tokens: .managed(by: world.manager, schwabUserId: SchwabWorld.userId, clientId: SchwabWorld.clientId),
            logger: world.logger,
            options: .init(sleep: { delay in sleeps.append(delay) }, random: { 0 }))
        let error = await #expect(throws: SchwabAPIError.self) {
            try await client.send(SchwabRequest(.trader, "/accounts"))
        }
        #expect(error?.kind == .networkError && error?.status == nil && error?.correlationId == nil)
        #expect(world.sleeps.values == [.milliseconds(125), .milliseconds(250)])
    }
}
