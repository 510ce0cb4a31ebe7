import EdgeCore
import SchwabAuth
import TestSupport
import Testing

@testable import Schwab

/// `TokenManager.refreshNow`: the forced refresh after a 401, against the real KV service and the
/// sandbox's token endpoint.
@Suite(.serialized, .realWorld) struct TokenManagerRefreshNowTests {
    @Test func aRejectedTokenIsReplacedOnceAndLaterCallersGetTheReplacement() async throws {
        let world = try await SchwabWorld()
        let original = try await world.signIn()
        let manager = world.manager
        // The stored token looks valid for 30 minutes, but Schwab rejected it: refresh anyway.
        let fresh = try await manager.refreshNow(
            schwabUserId: SchwabWorld.userId, clientId: SchwabWorld.clientId, rejected: original.accessToken)
        #expect(fresh != original.accessToken && manager.refreshes == 1)
        // A caller that was rejected with the old token too gets the new one without a refresh.
        let again = try await manager.refreshNow(
            schwabUserId: SchwabWorld.userId, clientId: SchwabWorld.clientId, rejected: original.accessToken)
        #expect(again == fresh && manager.refreshes == 1)
        #expect(
            try await manager.accessToken(schwabUserId: SchwabWorld.userId, clientId: SchwabWorld.clientId) == fresh)
        // The new refresh token works too: rejecting the new token refreshes once more.
        let third = try await manager.refreshNow(
            schwabUserId: SchwabWorld.userId, clientId: SchwabWorld.clientId, rejected: fresh)
        #expect(third != fresh && manager.refreshes == 2)
    }

    @Test func racingRejectionsShareOneRefresh() async throws {
        let world = try await SchwabWorld()
        let original = try await world.signIn()
        let manager = world.manager
        let results = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    try await manager.refreshNow(
                        schwabUserId: SchwabWorld.userId, clientId: SchwabWorld.clientId, rejected: original.accessToken
                    )
                }
            }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(Set(results).count == 1 && results[0] != original.accessToken)
        #expect(manager.refreshes == 1)
    }

    @Test func aDeadRefreshTokenOrNoSignInIsTheTokenRefreshError() async throws {
        let world = try await SchwabWorld()
        let original = try await world.signIn()
        try await world.admin(.post, "/admin/expire-tokens", ["keepRefreshTokens": false])
        await #expect {
            _ = try await world.manager.refreshNow(
                schwabUserId: SchwabWorld.userId, clientId: SchwabWorld.clientId, rejected: original.accessToken)
        } throws: { error in
            (error as? AuthError)?.kind == .tokenRefresh
                && (error as? AuthError)?.message.contains("Sign in again") == true
        }
        await #expect {
            _ = try await world.manager.refreshNow(schwabUserId: "USR-nobody", clientId: "c", rejected: "x")
        } throws: { ($0 as? AuthError)?.kind == .tokenRefresh }
    }
}
