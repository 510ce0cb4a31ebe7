import EdgeHTTP
import Testing

@testable import Router

@Suite struct RouteTableTests {
    static let table = RouteTable(mcpObjectClass: "MyMCP", identity: .localUser, demoRoutes: true)
    static let localProps = ["userId": "local", "authMode": "none"]

    /// Path, expected decision.
    static let cases: [(String, RouteTable.Decision)] = [
        ("/health", .health),
        ("/metrics", .metrics),
        ("/mcp", .object(objectClass: "MyMCP", objectID: "local", props: localProps, kind: "mcp", strippedPrefix: "")),
        ("/sse", .object(objectClass: "MyMCP", objectID: "local", props: localProps, kind: "mcp", strippedPrefix: "")),
        (
            "/sse/message",
            .object(objectClass: "MyMCP", objectID: "local", props: localProps, kind: "mcp", strippedPrefix: "")
        ),
        (
            "/messages",
            .object(objectClass: "MyMCP", objectID: "local", props: localProps, kind: "mcp", strippedPrefix: "")
        ),
        ("/mcpx", .notFound),
        ("/ssex/y", .notFound),
        (
            "/objects/Probe/u-1",
            .object(
                objectClass: "Probe", objectID: "u-1", props: localProps, kind: "demo",
                strippedPrefix: "/objects/Probe/u-1")
        ),
        (
            "/objects/Probe/u-1/",
            .object(
                objectClass: "Probe", objectID: "u-1", props: localProps, kind: "demo",
                strippedPrefix: "/objects/Probe/u-1")
        ),
        (
            "/objects/Probe/a.b@c:d/x/y",
            .object(
                objectClass: "Probe", objectID: "a.b@c:d", props: localProps, kind: "demo",
                strippedPrefix: "/objects/Probe/a.b@c:d")
        ),
        ("/objects/Probe", .notFound),
        ("/objects//u-1", .notFound),
        ("/objects/Probe/..", .notFound),
        ("/objects/_runtime/router", .notFound),
        ("/objects/Probe/sp%20ace", .notFound),
        ("/", .notFound),
        ("/healthz", .notFound),
    ]

    @Test(arguments: cases)
    func aPathGoesWhereTheTableSays(path: String, expected: RouteTable.Decision) {
        #expect(Self.table.decide(path: Substring(path)) == expected)
    }

    /// Target, prefix, what the object sees.
    static let targets: [(String, String, String)] = [
        ("/objects/P/i/count?sleep=5", "/objects/P/i", "/count?sleep=5"),
        ("/objects/P/i", "/objects/P/i", "/"),
        ("/objects/P/i?x=1", "/objects/P/i", "/?x=1"),
        ("/objects/P/i/", "/objects/P/i", "/"),
        ("/mcp?a=b", "", "/mcp?a=b"),
    ]

    @Test(arguments: targets)
    func aDemoObjectSeesItsOwnPaths(target: String, prefix: String, expected: String) {
        #expect(RouteTable.target(target, stripping: prefix) == expected)
    }

    @Test func demoRoutesAreOffUnlessAskedFor() {
        let table = RouteTable(mcpObjectClass: "MyMCP", identity: .localUser, demoRoutes: false)
        #expect(table.decide(path: "/objects/Probe/u-1") == .notFound)
        #expect(table.decide(path: "/health") == .health)
    }

    @Test func withoutAnMCPBindingTheMCPPathsAreNotFound() {
        let table = RouteTable(mcpObjectClass: nil, identity: .localUser, demoRoutes: false)
        #expect(table.decide(path: "/mcp") == .notFound)
        #expect(table.decide(path: "/sse") == .notFound)
    }

    @Test func anOverlongObjectIDIsRefused() {
        let id = String(repeating: "a", count: 201)
        #expect(Self.table.decide(path: Substring("/objects/Probe/" + id)) == .notFound)
        let fits = String(repeating: "a", count: 200)
        #expect(
            Self.table.decide(path: Substring("/objects/Probe/" + fits))
                == .object(
                    objectClass: "Probe", objectID: fits, props: Self.localProps, kind: "demo",
                    strippedPrefix: "/objects/Probe/" + fits))
    }

    /// With OAuth: path, expected decision.
    static let oauthCases: [(String, RouteTable.Decision)] = [
        ("/health", .health),
        ("/mcp", .authenticated(objectClass: "MyMCP", kind: "mcp")),
        ("/sse", .authenticated(objectClass: "MyMCP", kind: "mcp")),
        ("/messages", .authenticated(objectClass: "MyMCP", kind: "mcp")),
        ("/mcp/x", .authenticated(objectClass: "MyMCP", kind: "mcp")),
        ("/.well-known/oauth-authorization-server", .oauth),
        ("/.well-known/oauth-protected-resource/mcp", .oauth),
        ("/.well-known/openid-configuration", .oauth),
        ("/register", .oauth), ("/authorize", .oauth), ("/callback", .oauth), ("/token", .oauth), ("/revoke", .oauth),
        ("/tokens", .notFound), ("/authorize/x", .notFound), ("/.well-known", .notFound),
        ("/objects/Probe/u-1", .notFound),
    ]

    @Test(arguments: oauthCases)
    func withOAuthTheMCPPathsNeedATokenAndTheAuthorizationServerIsTheRouters(
        path: String, expected: RouteTable.Decision
    ) {
        let table = RouteTable(mcpObjectClass: "MyMCP", identity: .oauth, demoRoutes: false)
        #expect(table.decide(path: Substring(path)) == expected)
    }

    @Test func underOAuthDemoRoutesNeverReachAUsersMCPObject() {
        let table = RouteTable(mcpObjectClass: "MyMCP", identity: .oauth, demoRoutes: true)
        #expect(table.decide(path: "/objects/MyMCP/12345/mcp") == .notFound)
        #expect(table.decide(path: "/objects/MyMCP/local") == .notFound)
        guard case .object(let objectClass, _, _, _, _) = table.decide(path: "/objects/RuntimeProbe/a/count") else {
            Issue.record("other classes stay reachable for tests and benchmarks")
            return
        }
        #expect(objectClass == "RuntimeProbe")
    }

    @Test func withoutOAuthTheAuthorizationServerPathsAreNotFound() {
        for path in ["/register", "/authorize", "/token", "/.well-known/oauth-authorization-server"] {
            #expect(Self.table.decide(path: Substring(path)) == .notFound)
        }
    }
}
