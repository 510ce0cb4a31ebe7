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
