import EdgeCore
import EdgeHTTP
import EdgeKV
import SchwabAuth
import TestSupport
import Testing

@testable import OAuth

/// The grant store against the real KV service (a child process with a real SQLite file).
@Suite(.serialized, .realWorld) struct GrantStoreTests {
    let kv: KVProcess
    let clock = TestClock()
    let settings = Fixture.settings()
    let store: GrantStore

    init() async throws {
        kv = try await KVProcess()
        store = GrantStore(kv: kv.client, settings: settings, clock: clock.function)
    }

    func approved(_ overrides: [String: String?] = [:]) throws -> AuthorizeRequest {
        try AuthorizeRequest.validate(Fixture.authorizeQuery(overrides), client: Fixture.client, settings: settings)
            .get()
    }

    func issueTokens() async throws -> IssuedTokens {
        let code = try await store.issueCode(for: try approved(), schwabUserId: "user-1")
        return try await store.exchangeCode(
            code, clientId: "mcp_client1", redirectURI: "http://127.0.0.1:9/cb", verifier: Fixture.verifier,
            resource: Fixture.issuer + "/mcp")
    }

    @Test func aCodeBecomesTokensWhoseHashesAloneAreStored() async throws {
        let tokens = try await issueTokens()
        let props = try await store.authenticate(accessToken: tokens.accessToken)
        #expect(props.schwabUserId == "user-1" && props.clientId == "mcp_client1")
        #expect(props.scopes == ["read"] && props.resource == Fixture.issuer + "/mcp")
        var everything = ""
        for prefix in ["code:", "grant:", "access:"] {
            let page = try await kv.client.list(namespace: settings.namespace, prefix: prefix, limit: 100)
            for key in page.keys {
                everything += key.name
                everything += try await kv.client.get(namespace: settings.namespace, key: key.name)?.text ?? ""
            }
        }
        #expect(!everything.isEmpty)
        #expect(!everything.contains(tokens.accessToken) && !everything.contains(tokens.refreshToken))
    }

    @Test func aCodeWorksOnceAndAReplayRevokesWhatItIssued() async throws {
        let code = try await store.issueCode(for: try approved(), schwabUserId: nil)
        let first = try await store.exchangeCode(
            code, clientId: "mcp_client1", redirectURI: nil, verifier: Fixture.verifier, resource: nil)
        _ = try await store.authenticate(accessToken: first.accessToken)
        await #expect {
            _ = try await store.exchangeCode(
                code, clientId: "mcp_client1", redirectURI: nil, verifier: Fixture.verifier, resource: nil)
        } throws: {
            ($0 as? AuthError)?.code == "invalid_grant"
        }
        #expect(try await store.listGrants().isEmpty)
        await #expect(throws: AuthError.self) { _ = try await store.authenticate(accessToken: first.accessToken) }
    }

    @Test func concurrentRedemptionsOfOneCodeYieldOneGrantThatTheReplaysRevoke() async throws {
        let code = try await store.issueCode(for: try approved(), schwabUserId: nil)
        let store = self.store
        let results = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    (try? await store.exchangeCode(
                        code, clientId: "mcp_client1", redirectURI: nil, verifier: Fixture.verifier, resource: nil))
                        != nil
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        // One redemption wins; the others are replays, which revoke what the winner got.
        #expect(results.filter { $0 }.count == 1)
        #expect(try await store.listGrants().isEmpty)
    }

    /// Each attack on the code exchange is refused, and the code still works for its owner after.
    @Test(
        arguments: [
            (
                "mcp_client1", "http://127.0.0.1:9/cb", "dBjftJeZ4CVP-mJ92K9zcY9LmUgwxOVt8NP_LiDh-uX", nil,
                "invalid_grant"
            ),
            ("mcp_client1", "http://127.0.0.1:9/cb", nil, nil, "invalid_grant"),
            ("mcp_other", "http://127.0.0.1:9/cb", Fixture.verifier, nil, "invalid_grant"),
            ("mcp_client1", "https://evil.example/cb", Fixture.verifier, nil, "invalid_grant"),
            ("mcp_client1", "http://127.0.0.1:9/cb", Fixture.verifier, "https://other.example/mcp", "invalid_target"),
            ("mcp_client1", "http://127.0.0.1:9/cb", Fixture.verifier, Fixture.issuer + "/sse", "invalid_target"),
        ] as [(String, String?, String?, String?, String)])
    func attacksOnTheCodeAreRefusedAndLoseNothing(
        client: String, redirect: String?, verifier: String?, resource: String?, code: String
    ) async throws {
        let issued = try await store.issueCode(for: try approved(), schwabUserId: nil)
        await #expect {
            _ = try await store.exchangeCode(
                issued, clientId: client, redirectURI: redirect, verifier: verifier, resource: resource)
        } throws: { ($0 as? AuthError)?.code == code }
        #expect(try await store.listGrants().isEmpty)
        _ = try await store.exchangeCode(
            issued, clientId: "mcp_client1", redirectURI: "http://127.0.0.1:9/cb", verifier: Fixture.verifier,
            resource: nil)
    }

    @Test func aCodeExpiresAfterItsLifetime() async throws {
        let code = try await store.issueCode(for: try approved(), schwabUserId: nil)
        clock.advance(settings.codeLifetime)
        await #expect {
            _ = try await store.exchangeCode(
                code, clientId: "mcp_client1", redirectURI: nil, verifier: Fixture.verifier, resource: nil)
        } throws: {
            ($0 as? AuthError)?.message.contains("expired") == true
        }
    }

    @Test func anAccessTokenExpires() async throws {
        let tokens = try await issueTokens()
        clock.advance(settings.accessTokenLifetime)
        await #expect { _ = try await store.authenticate(accessToken: tokens.accessToken) } throws: {
            ($0 as? AuthError)?.code == "invalid_token"
        }
    }

    @Test func refreshRotatesAndTheOldTokenDiesOnceTheNewOneIsUsed() async throws {
        let first = try await issueTokens()
        let second = try await store.refresh(first.refreshToken, clientId: "mcp_client1", resource: nil, scope: nil)
        #expect(second.refreshToken != first.refreshToken)
        // Grace: the client lost the answer and retries with the old token.
        let retry = try await store.refresh(first.refreshToken, clientId: "mcp_client1", resource: nil, scope: nil)
        let third = try await store.refresh(retry.refreshToken, clientId: "mcp_client1", resource: nil, scope: nil)
        for dead in [first.refreshToken, second.refreshToken] {
            await #expect {
                _ = try await store.refresh(dead, clientId: "mcp_client1", resource: nil, scope: nil)
            } throws: {
                ($0 as? AuthError)?.code == "invalid_grant"
            }
        }
        _ = try await store.authenticate(accessToken: third.accessToken)
        await #expect {
            _ = try await store.refresh(third.refreshToken, clientId: "mcp_other", resource: nil, scope: nil)
        } throws: {
            ($0 as? AuthError)?.code == "invalid_grant"
        }
    }

    @Test func racingRefreshesLeaveOneConsistentGrant() async throws {
        let first = try await issueTokens()
        let store = self.store
        let outcomes = await withTaskGroup(of: IssuedTokens?.self) { group in
            for _ in 0..<6 {
                group.addTask {
                    try? await store.refresh(first.refreshToken, clientId: "mcp_client1", resource: nil, scope: nil)
                }
            }
            return await group.reduce(into: [IssuedTokens?]()) { $0.append($1) }
        }
        let winners = outcomes.compactMap { $0 }
        #expect(!winners.isEmpty)
        // Exactly one of the new refresh tokens is the grant's newest: it rotates; the others are dead.
        var alive = 0
        for tokens in winners {
            if (try? await store.refresh(tokens.refreshToken, clientId: "mcp_client1", resource: nil, scope: nil))
                != nil
            {
                alive += 1
            }
        }
        #expect(alive == 1)
    }

    @Test func aRefreshMayNarrowButNotWidenScopes() async throws {
        let first = try await issueTokens()
        await #expect {
            _ = try await store.refresh(first.refreshToken, clientId: "mcp_client1", resource: nil, scope: "read trade")
        } throws: {
            ($0 as? AuthError)?.code == "invalid_scope"
        }
        let narrowed = try await store.refresh(
            first.refreshToken, clientId: "mcp_client1", resource: nil, scope: "read")
        #expect(narrowed.scopes == ["read"])
    }

    @Test func revocationKillsTheGrantAndItsAccessTokens() async throws {
        let tokens = try await issueTokens()
        try await store.revoke(token: tokens.refreshToken, clientId: "mcp_other")
        _ = try await store.authenticate(accessToken: tokens.accessToken)
        try await store.revoke(token: tokens.refreshToken, clientId: "mcp_client1")
        await #expect { _ = try await store.authenticate(accessToken: tokens.accessToken) } throws: {
            ($0 as? AuthError)?.message.contains("revoked") == true
        }
        await #expect(throws: AuthError.self) {
            _ = try await store.refresh(tokens.refreshToken, clientId: "mcp_client1", resource: nil, scope: nil)
        }
        try await store.revoke(token: "unknown.tokentokentokentokentokentokentoken", clientId: "mcp_client1")
    }

    @Test func revokingAnAccessTokenLeavesTheRefreshToken() async throws {
        let tokens = try await issueTokens()
        try await store.revoke(token: tokens.accessToken, clientId: "mcp_client1")
        await #expect(throws: AuthError.self) { _ = try await store.authenticate(accessToken: tokens.accessToken) }
        let next = try await store.refresh(tokens.refreshToken, clientId: "mcp_client1", resource: nil, scope: nil)
        _ = try await store.authenticate(accessToken: next.accessToken)
    }

    @Test func operatorsListAndRevokeGrantsById() async throws {
        let a = try await issueTokens()
        _ = try await issueTokens()
        let grants = try await store.listGrants()
        #expect(grants.count == 2 && grants.allSatisfy { $0.clientId == "mcp_client1" && $0.schwabUserId == "user-1" })
        let target = try #require(grants.first { a.accessToken.hasPrefix($0.grantId + ".") })
        #expect(try await store.revokeGrant(id: target.grantId))
        #expect(try await store.listGrants().count == 1)
        await #expect(throws: AuthError.self) { _ = try await store.authenticate(accessToken: a.accessToken) }
        #expect(try await store.revokeGrant(id: target.grantId) == false)
    }

    @Test func aStateNonceIsUsableOnce() async throws {
        try await store.consumeState(nonce: "nonce-1")
        await #expect { try await store.consumeState(nonce: "nonce-1") } throws: {
            ($0 as? AuthError)?.kind == .stateValidation
        }
        try await store.consumeState(nonce: "nonce-2")
    }

    @Test func registeredClientsExpireWhenUnused() async throws {
        // The idle lifetime is a KV TTL, so it runs on the KV service's clock: here the real
        // service in this process on the test's clock, so the client is still there just after
        // it was saved and gone once its second has passed, both at steps the test chooses (with
        // the child's system clock, a loaded machine could pass the second before the first read).
        let clock = TestClock()
        let service = try await InProcessKVService(now: { clock.now * 1000 })
        let short = GrantStore(
            kv: service.client,
            settings: {
                var s = settings; s.clientIdleLifetime = 1; return s
            }(), clock: clock.function)
        try await short.saveClient(Fixture.client)
        #expect(try await short.registeredClient(id: "mcp_client1") == Fixture.client)
        clock.advance(1)
        #expect(try await short.registeredClient(id: "mcp_client1") == nil)
    }
}
