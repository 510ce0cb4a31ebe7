import EdgeCore
import EdgeCrypto
import Testing

@testable import SchwabSandbox

@Suite("OAuth store, fault plan, order throttle")
struct AuthAndFaultTests {
    @Test("a code works once, for its redirect URI, within its lifetime")
    func codes() throws {
        var store = OAuthStore()
        let code = store.issueCode(
            clientId: "app", redirectURI: "http://localhost/cb", login: "alex", challenge: nil, method: nil, now: 0)
        #expect(throws: SandboxError.self) {
            try store.exchange(
                code: code, clientId: "app", redirectURI: "http://localhost/other", verifier: nil, now: 1)
        }
        let late = store.issueCode(
            clientId: "app", redirectURI: "http://localhost/cb", login: "alex", challenge: nil, method: nil, now: 0)
        #expect(throws: SandboxError.self) {
            try store.exchange(code: late, clientId: "app", redirectURI: "http://localhost/cb", verifier: nil, now: 61)
        }
        let good = store.issueCode(
            clientId: "app", redirectURI: "http://localhost/cb", login: "blair", challenge: nil, method: nil, now: 0)
        let tokens = try store.exchange(
            code: good, clientId: "app", redirectURI: "http://localhost/cb", verifier: nil, now: 1)
        #expect(store.login(forAccessToken: tokens.accessToken, now: 1_800) == "blair")
        #expect(store.login(forAccessToken: tokens.accessToken, now: 1_801) == nil)
        #expect(throws: SandboxError.self) {
            try store.exchange(code: good, clientId: "app", redirectURI: "http://localhost/cb", verifier: nil, now: 2)
        }
    }

    @Test("PKCE S256 is checked (RFC 7636 §4.6)")
    func pkce() throws {
        var store = OAuthStore()
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
        let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"  // RFC 7636 Appendix B
        for (sent, works) in [(nil as String?, false), ("wrong", false), (verifier, true)] {
            let code = store.issueCode(
                clientId: "app", redirectURI: "http://localhost/cb", login: "alex", challenge: challenge,
                method: "S256", now: 0)
            let result = Result { () throws(SandboxError) in
                try store.exchange(
                    code: code, clientId: "app", redirectURI: "http://localhost/cb", verifier: sent, now: 1)
            }
            let worked = (try? result.get()) != nil
            #expect(worked == works)
        }
    }

    @Test("refresh tokens die 7 days after the original login, however often they are used")
    func refreshLifetime() throws {
        var store = OAuthStore()
        let code = store.issueCode(
            clientId: "app", redirectURI: "http://localhost/cb", login: "alex", challenge: nil, method: nil, now: 0)
        let first = try store.exchange(
            code: code, clientId: "app", redirectURI: "http://localhost/cb", verifier: nil, now: 0)
        var day = 1.0
        while day < 7 {
            let next = try store.refresh(first.refreshToken, clientId: "app", now: day * 86_400)
            #expect(next.refreshToken == first.refreshToken && next.accessToken != first.accessToken)
            day += 1
        }
        #expect(throws: SandboxError.self) {
            try store.refresh(first.refreshToken, clientId: "app", now: 7 * 86_400 + 1)
        }
        #expect(throws: SandboxError.self) { try store.refresh("unknown", clientId: "app", now: 1) }
    }

    @Test(
        "fault path globs",
        arguments: [
            ("/trader/v1/accounts*", "/trader/v1/accounts", true),
            ("/trader/v1/accounts*", "/trader/v1/accounts/AB/orders", true),
            ("/trader/v1/accounts*", "/trader/v1/orders", false),
            ("/marketdata/*/quotes", "/marketdata/v1/quotes", true),
            ("/marketdata/*/quotes", "/marketdata/v1/AAPL/quotes", true), ("/v1/oauth/token", "/v1/oauth/token", true),
            ("/v1/oauth/token", "/v1/oauth/tokens", false),
        ])
    func globs(pattern: String, path: String, matches: Bool) {
        #expect(FaultRule.matches(pattern[...], path[...]) == matches)
    }

    @Test("a counted fault applies that many times, for its method only")
    func countedFault() throws {
        var plan = FaultPlan()
        plan.add(try FaultRule.parse(["pathPattern": "/trader/*", "status": 503, "count": 2, "method": "get"]))
        let statuses = [("POST", nil), ("GET", 503), ("GET", 503), ("GET", nil)].map { method, _ in
            plan.take(method: method, path: "/trader/v1/accounts")?.status
        }
        #expect(statuses == [nil, 503, 503, nil])
        #expect(plan.rules.isEmpty)
    }

    @Test(
        "bad fault rules are refused with a reason",
        arguments: [
            ["status": 503] as JSONValue, ["pathPattern": "trader", "status": 503],
            ["pathPattern": "/x", "status": 418],
            ["pathPattern": "/x"], ["pathPattern": "/x", "latencyMs": -1],
            ["pathPattern": "/x", "status": 500, "count": 0],
            ["pathPattern": "/x", "drop": true, "status": 503], ["pathPattern": "/x", "drop": false],
            ["pathPattern": "/x", "drop": true, "latencyMs": 10],
        ])
    func badRules(json: JSONValue) {
        #expect(throws: SandboxError.self) { try FaultRule.parse(json) }
    }

    @Test("the order throttle admits 120 a minute per account, then refuses until the window moves")
    func throttle() {
        var limiter = OrderRateLimiter()
        let first = (0..<120).map { limiter.admit(account: "1", now: Double($0) * 0.1) }
        #expect(first.allSatisfy { $0 })
        let over = limiter.admit(account: "1", now: 20)
        let other = limiter.admit(account: "2", now: 20)
        let later = limiter.admit(account: "1", now: 60.05)
        #expect(!over && other && later)
    }
}
