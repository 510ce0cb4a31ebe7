import EdgeCore
import SchwabAuth
import Testing

@testable import OAuth

/// `schwab-mcp grants list|revoke` output, against the real KV service.
@Suite(.serialized, .realWorld) struct OperatorGrantsTests {
    @Test func listShowsGrantsWithoutTokensAndRevokeRemovesOne() async throws {
        let kv = try await KVProcess()
        let settings = Fixture.settings()
        let store = GrantStore(kv: kv.client, settings: settings, clock: TestClock().function)
        let request = try AuthorizeRequest.validate(
            Fixture.authorizeQuery(), client: Fixture.client, settings: settings
        )
        .get()
        let code = try await store.issueCode(for: request, schwabUserId: "USR9")
        let tokens = try await store.exchangeCode(
            code, clientId: "mcp_client1", redirectURI: nil, verifier: Fixture.verifier, resource: nil)

        let listed = await OperatorGrants.run(["list"], grants: store)
        #expect(listed.status == 0)
        let lines = listed.output.split(separator: "\n")
        #expect(lines.count == 1)
        let json = try JSONValue.parse(String(lines[0]))
        #expect(json["client_id"] == "mcp_client1" && json["schwab_user_id"] == "USR9")
        #expect(!listed.output.contains(tokens.accessToken) && !listed.output.contains(tokens.refreshToken))
        let id = try #require(json["grant_id"]?.stringValue)

        #expect(await OperatorGrants.run(["revoke", id], grants: store).status == 0)
        #expect(await OperatorGrants.run(["revoke", id], grants: store).status == 1)
        #expect(await OperatorGrants.run(["list"], grants: store).output.isEmpty)
        await #expect(throws: AuthError.self) { _ = try await store.authenticate(accessToken: tokens.accessToken) }
        for bad in [[], ["revoke"], ["list", "x"], ["drop"], ["revoke-user"]] {
            #expect(await OperatorGrants.run(bad, grants: store).status == 2)
        }
    }

    @Test func aDeadSchwabSignInRevokesEveryGrantOfThatUserAndNoOther() async throws {
        let kv = try await KVProcess()
        let settings = Fixture.settings()
        let store = GrantStore(kv: kv.client, settings: settings, clock: TestClock().function)
        let request = try AuthorizeRequest.validate(
            Fixture.authorizeQuery(), client: Fixture.client, settings: settings
        )
        .get()
        var tokens: [String: [IssuedTokens]] = [:]
        for user in ["USR1", "USR1", "USR2"] {
            let code = try await store.issueCode(for: request, schwabUserId: user)
            tokens[user, default: []].append(
                try await store.exchangeCode(
                    code, clientId: "mcp_client1", redirectURI: nil, verifier: Fixture.verifier, resource: nil))
        }
        #expect(try await store.revokeGrants(schwabUserId: "USR1") == 2)
        for issued in tokens["USR1"] ?? [] {
            await #expect(throws: AuthError.self) { _ = try await store.authenticate(accessToken: issued.accessToken) }
            await #expect(throws: AuthError.self) {
                _ = try await store.refresh(issued.refreshToken, clientId: "mcp_client1", resource: nil, scope: nil)
            }
        }
        let other = try #require(tokens["USR2"]?.first)
        #expect(try await store.authenticate(accessToken: other.accessToken).schwabUserId == "USR2")
        #expect(try await store.revokeGrants(schwabUserId: "USR1") == 0)
        #expect(await OperatorGrants.run(["revoke-user", "USR1"], grants: store).status == 1)
        #expect(try await store.listGrants().map(\.schwabUserId) == ["USR2"])
        let byUser = await OperatorGrants.run(["revoke-user", "USR2"], grants: store)
        #expect(byUser == .init(status: 0, output: "revoked 1 grant of user USR2\n"))
        #expect(try await store.listGrants().isEmpty)
    }
}
