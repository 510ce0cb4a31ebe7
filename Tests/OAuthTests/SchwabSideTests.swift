import EdgeCore
import EdgeHTTP
import EdgeKV
import EdgeNet
import SchwabAuth
import Testing

@testable import OAuth

/// Us -> Schwab against the real sandbox: code exchange, user id, token storage, refresh.
@Suite(.serialized, .realWorld) struct SchwabSideTests {
    @Test func theCodeIsDecodedOnceAndEncodedOnceOnTheWayToSchwab() {
        let decoded = QueryParameters(parsing: "code=C0.abc%40&state=x").first("code")
        #expect(decoded == "C0.abc@")
        let form = UpstreamRequest.form(url: "http://x/token", fields: [("code", decoded ?? "")])
        #expect(String(decoding: form.body, as: UTF8.self) == "code=C0.abc%40")
    }

    @Test func theTokenManagerRefreshesFiveMinutesBeforeExpiryOnceForRacingCalls() async throws {
        let world = try await OAuthWorld()
        let (clientId, _, _) = try await world.signIn()
        let userId = try await world.sandboxUserId()
        let manager = world.endpoints.tokenManager
        let original = try await manager.accessToken(schwabUserId: userId, clientId: clientId)
        world.clock.advance(1_800 - 301)
        #expect(try await manager.accessToken(schwabUserId: userId, clientId: clientId) == original)
        #expect(manager.refreshes == 0)
        world.clock.advance(2)
        let results = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<8 { group.addTask { try await manager.accessToken(schwabUserId: userId, clientId: clientId) } }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(manager.refreshes == 1)
        #expect(Set(results).count == 1 && results[0] != original)
        let stored = try await world.endpoints.schwabTokens.load(schwabUserId: userId, clientId: clientId)
        #expect(stored?.accessToken == results[0])
        // The refreshed token works at Schwab.
        #expect(try await world.endpoints.schwab.userId(accessToken: results[0]) == userId)
    }

    @Test func aDeadRefreshTokenTellsTheUserToSignInAgainAndMapsTo401() async throws {
        let world = try await OAuthWorld()
        let (clientId, _, _) = try await world.signIn()
        let userId = try await world.sandboxUserId()
        let manager = world.endpoints.tokenManager
        // Schwab's clock passes the 7 days; ours only sees the access token due.
        try await world.advanceSandboxClock(seconds: 8 * 86_400)
        world.clock.advance(1_600)
        await #expect {
            _ = try await manager.accessToken(schwabUserId: userId, clientId: clientId)
        } throws: { error in
            let auth = error as? AuthError
            return auth?.kind == .tokenRefresh && auth?.status == 401 && auth?.code == "invalid_token"
                && auth?.message.contains("Sign in again") == true
        }
        #expect(manager.refreshes == 1)
        // Once our own clock knows the 7 days are over, Schwab is not even asked.
        world.clock.advance(8 * 86_400)
        await #expect { _ = try await manager.accessToken(schwabUserId: userId, clientId: clientId) } throws: {
            ($0 as? AuthError)?.kind == .tokenRefresh
        }
        #expect(manager.refreshes == 1)
    }

    @Test func schwabRefusalsMapToTheSeedKinds() async throws {
        let world = try await OAuthWorld()
        let schwab = world.endpoints.schwab
        await #expect {
            _ = try await schwab.exchange(code: "C0.bogus@", verifier: PKCE.makeVerifier(), now: 0)
        } throws: {
            ($0 as? AuthError)?.kind == .codeExchange
        }
        await #expect { _ = try await schwab.userId(accessToken: "I0.bogus") } throws: {
            ($0 as? AuthError)?.code == "invalid_token"
        }
        var settings = world.settings.schwab
        settings.clientSecret = "wrong-secret"
        let wrong = SchwabOAuthClient(settings: settings, upstream: world.upstream)
        await #expect { _ = try await wrong.exchange(code: "C0.x@", verifier: PKCE.makeVerifier(), now: 0) } throws: {
            ($0 as? AuthError)?.message.contains("SCHWAB_CLIENT_SECRET") == true
        }
        let unreachable = SchwabOAuthClient(
            settings: SchwabOAuthSettings(
                apiBase: "http://127.0.0.1:1", clientId: "a", clientSecret: "b", redirectURI: "c"),
            upstream: world.upstream)
        await #expect { _ = try await unreachable.userId(accessToken: "x") } throws: {
            ($0 as? AuthError)?.code == "network_error"
        }
    }
}

/// Schwab's tokens at rest, against the real KV service.
@Suite(.serialized, .realWorld) struct SchwabTokenStoreTests {
    let kv: KVProcess
    let store: SchwabTokenStore
    let tokens = SchwabTokens(
        accessToken: "I0.access-token-value@", refreshToken: "refresh-token-value@", expiresIn: 1800, expiresAt: 100,
        refreshIssuedAt: 0)

    init() async throws {
        kv = try await KVProcess()
        store = SchwabTokenStore(kv: kv.client, namespace: "OAUTH_KV", key: try Fixture.keys().tokens)
    }

    @Test func tokensSavedUnderTheClientIdMigrateToTheUserIdOnLoad() async throws {
        try await store.save(tokens, schwabUserId: nil, clientId: "client-1")
        #expect(try await kv.client.get(namespace: "OAUTH_KV", key: "token:client-1") != nil)
        let loaded = try await store.load(schwabUserId: "USR123456", clientId: "client-1")
        #expect(loaded == tokens)
        #expect(try await kv.client.get(namespace: "OAUTH_KV", key: "token:client-1") == nil)
        let moved = try #require(try await kv.client.get(namespace: "OAUTH_KV", key: "token:USR123456"))
        #expect(moved.expiration != nil)
        #expect(try await store.load(schwabUserId: "USR123456", clientId: "client-1") == tokens)
    }

    @Test func theUserIdKeyWinsOverTheClientIdKey() async throws {
        var other = tokens
        other.accessToken = "older-access-token"
        try await store.save(other, schwabUserId: nil, clientId: "client-1")
        try await store.save(tokens, schwabUserId: "USR1", clientId: "client-1")
        #expect(try await store.load(schwabUserId: "USR1", clientId: "client-1") == tokens)
        #expect(try await store.load(schwabUserId: nil, clientId: "client-1") == other)
        #expect(try await store.load(schwabUserId: "USR2", clientId: "client-2") == nil)
    }

    @Test func tokensAreEncryptedAndATamperedOrMovedValueIsRefused() async throws {
        try await store.save(tokens, schwabUserId: "USR1", clientId: "c")
        let raw = try #require(try await kv.client.get(namespace: "OAUTH_KV", key: "token:USR1"))
        #expect(!raw.text.contains("access-token-value") && !raw.text.contains("refresh-token-value"))
        var flipped = raw.value
        flipped[flipped.count / 2] ^= 0x01
        _ = try await kv.client.put(
            namespace: "OAUTH_KV", key: "token:USR1", value: flipped, expiration: nil, metadata: nil, ifVersion: nil)
        await #expect { _ = try await store.load(schwabUserId: "USR1", clientId: "c") } throws: {
            ($0 as? AuthError)?.kind == .tokenRefresh
        }
        _ = try await kv.client.put(
            namespace: "OAUTH_KV", key: "token:USR2", value: raw.value, expiration: nil, metadata: nil, ifVersion: nil)
        await #expect(throws: AuthError.self) { _ = try await store.load(schwabUserId: "USR2", clientId: "c") }
    }

    @Test func refreshTimingFollowsTheFiveMinuteLeewayAndTheSevenDayLimit() {
        #expect(!tokens.needsRefresh(now: 100 - 301))
        #expect(tokens.needsRefresh(now: 100 - 300))
        #expect(!tokens.refreshTokenExpired(now: 7 * 86_400 - 1))
        #expect(tokens.refreshTokenExpired(now: 7 * 86_400))
    }

    @Test func aRefreshAnswerWithoutANewRefreshTokenKeepsTheLoginTime() throws {
        let previous = SchwabTokens(
            accessToken: "a", refreshToken: "r", expiresIn: 1800, expiresAt: 0, refreshIssuedAt: 42)
        let parsed = try SchwabTokens.parse(
            Array(#"{"access_token":"b","expires_in":1800}"#.utf8), now: 1000, previous: previous)
        #expect(parsed.refreshToken == "r" && parsed.refreshIssuedAt == 42 && parsed.expiresAt == 2800)
        #expect(throws: AuthError.self) { _ = try SchwabTokens.parse(Array("{}".utf8), now: 0) }
    }
}

/// What the MCP client sees when the Schwab sign-in died.
@Suite(.serialized, .realWorld) struct DeadSignInTests {
    @Test func aDeadSignInRevokesTheGrantAndAnswers401WithAChallenge() async throws {
        let world = try await OAuthWorld()
        let (clientId, tokens, _) = try await world.signIn()
        let access = try #require(tokens["access_token"]?.stringValue)
        let refresh = try #require(tokens["refresh_token"]?.stringValue)
        guard
            case .authorized(let props) = await world.endpoints.bearer.authenticate(
                world.mcpRequest(authorization: "Bearer " + access))
        else {
            Issue.record("refused")
            return
        }
        try await world.advanceSandboxClock(seconds: 8 * 86_400)
        world.clock.advance(1_600)
        var caught: AuthError?
        do {
            _ = try await world.endpoints.tokenManager.accessToken(schwabUserId: props.schwabUserId, clientId: clientId)
        } catch {
            caught = error
        }
        let error = try #require(caught)
        let response = await world.endpoints.reauthorizationResponse(
            for: error, props: props, path: "/mcp", requestId: "req-dead")
        #expect(response.status.code == 401 && response.headers["X-Request-Id"] == "req-dead")
        let challenge = try #require(response.headers["WWW-Authenticate"])
        #expect(challenge.contains(#"error="invalid_token""#) && challenge.contains("resource_metadata="))
        let body = try JSONValue.parse(response.bodyBytes)
        #expect(body["error_description"]?.stringValue?.contains("Sign in again") == true)
        // The client's own refresh fails too, so it runs the whole authorization again.
        let retry = await world.send(
            .post, "/token",
            form: [("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", clientId)])
        #expect(retry.status.code == 400)
        guard
            case .refused = await world.endpoints.bearer.authenticate(
                world.mcpRequest(authorization: "Bearer " + access))
        else {
            Issue.record("the old access token still works")
            return
        }
    }
}
