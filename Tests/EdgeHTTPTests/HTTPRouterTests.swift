import Testing

@testable import EdgeHTTP

@Suite struct HTTPRouterTests {
    func router() -> HTTPRouter<String> {
        var r = HTTPRouter<String>()
        r.add(.get, "/health", "health")
        r.add(.get, "/trader/v1/accounts/:accountNumber", "account")
        r.add(.post, "/trader/v1/accounts/:accountNumber/orders", "place")
        r.add(.get, "/static/*rest", "static")
        return r
    }

    @Test func matchesLiteralAndParameters() {
        guard case .found(let h, let p) = router().match(.get, path: "/trader/v1/accounts/AB%2FC") else {
            Issue.record("no match")
            return
        }
        #expect(h == "account")
        #expect(p["accountNumber"] == "AB/C")
    }

    @Test func answersMethodNotAllowedWithAllow() {
        guard case .methodNotAllowed(let allowed) = router().match(.delete, path: "/health") else {
            Issue.record("expected 405")
            return
        }
        #expect(allowed == [.get, .head])
    }

    @Test func headFallsBackToGet() {
        guard case .found(let h, _) = router().match(.head, path: "/health") else {
            Issue.record("no match")
            return
        }
        #expect(h == "health")
    }

    @Test func restCapturesRemainingSegments() {
        guard case .found(_, let p) = router().match(.get, path: "/static/a/b/c.css") else {
            Issue.record("no match")
            return
        }
        #expect(p["rest"] == "a/b/c.css")
    }

    @Test func unknownPathIsNotFound() {
        guard case .notFound = router().match(.get, path: "/nope") else {
            Issue.record("expected 404")
            return
        }
    }

    @Test(arguments: [("a%20b", "a b"), ("a+b", "a+b"), ("%E2%9C%93", "✓")])
    func percentDecodes(input: String, expected: String) {
        #expect(PercentEncoding.decode(input) == expected)
    }

    @Test func malformedPercentIsRefused() {
        #expect(PercentEncoding.decode("%G1") == nil)
        #expect(PercentEncoding.decode("%4") == nil)
    }
}
