import SchwabAuth
import Testing

@testable import OAuth

/// The refresh rotation rule, pure: the newest token rotates, the previous one works only until
/// the newest is first used, anything else is refused.
@Suite struct GrantRotationTests {
    let props = GrantProps(grantId: "g", schwabUserId: "u", clientId: "c", scopes: ["read"], resource: "r")

    func record(current: String, previous: String?) -> GrantRecord {
        GrantRecord(props: props, createdAt: 0, refreshedAt: 0, refreshHash: current, previousRefreshHash: previous)
    }

    @Test func usingTheNewestRotatesAndKeepsItAsPrevious() {
        let outcome = record(current: "h1", previous: nil).rotate(presentedHash: "h1", newHash: "h2", now: 5)
        #expect(
            outcome
                == .rotated(
                    GrantRecord(
                        props: props, createdAt: 0, refreshedAt: 5, refreshHash: "h2", previousRefreshHash: "h1")))
    }

    @Test func thePreviousStillWorksUntilTheNewestIsUsed() {
        let outcome = record(current: "h2", previous: "h1").rotate(presentedHash: "h1", newHash: "h3", now: 5)
        #expect(
            outcome
                == .rotated(
                    GrantRecord(
                        props: props, createdAt: 0, refreshedAt: 5, refreshHash: "h3", previousRefreshHash: "h1")))
    }

    @Test func onceTheNewestIsUsedTheOldOneIsDead() {
        let start = record(current: "h2", previous: "h1")
        guard case .rotated(let next) = start.rotate(presentedHash: "h2", newHash: "h3", now: 5) else {
            Issue.record("rotation failed")
            return
        }
        #expect(next.rotate(presentedHash: "h1", newHash: "h4", now: 6) == .refused)
        #expect(next.rotate(presentedHash: "h2", newHash: "h4", now: 6) != .refused)
    }

    @Test(arguments: ["", "h0", "h9", "H1"])
    func unknownHashesAreRefused(hash: String) {
        #expect(record(current: "h1", previous: "h0x").rotate(presentedHash: hash, newHash: "n", now: 1) == .refused)
    }

    @Test(
        arguments: [
            ("g.0123456789012345678901234567890123456789", "g"),
            ("nodot", nil), (".secretsecretsecretsecretsecretsecret", nil), ("g.short", nil), ("a.b.c", nil),
        ] as [(String, String?)])
    func opaqueTokensNameTheirGrant(token: String, grant: String?) {
        #expect(OpaqueToken.grantId(of: token) == grant)
    }
}

@Suite struct TokenRefreshPolicyTests {
    static let tokens = SchwabTokens(
        accessToken: "a", refreshToken: "r", expiresIn: 1800, expiresAt: 10_000, refreshIssuedAt: 0)

    @Test(
        arguments: [
            (10_000 - 301, TokenRefreshPolicy.Action.use),
            (10_000 - 300, .refresh),
            (10_000 + 5_000, .refresh),
            (7 * 86_400 - 1, .refresh),
            (7 * 86_400, .signInAgain),
        ] as [(Int64, TokenRefreshPolicy.Action)])
    func theDecisionFollowsTheLeewayAndTheSevenDays(now: Int64, expected: TokenRefreshPolicy.Action) {
        #expect(TokenRefreshPolicy.decide(Self.tokens, now: now) == expected)
    }

    @Test func aFreshTokenNearTheSevenDayMarkIsStillUsed() {
        let late = SchwabTokens(
            accessToken: "a", refreshToken: "r", expiresIn: 1800, expiresAt: 8 * 86_400, refreshIssuedAt: 0)
        #expect(TokenRefreshPolicy.decide(late, now: 7 * 86_400 + 10) == .use)
    }
}
