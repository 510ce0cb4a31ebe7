import EdgeCore
import EdgeHTTP
import Foundation
import SchwabAuth
import Synchronization

@testable import OAuth

/// Shared values for the OAuth tests: settings, keys, a valid PKCE pair, a registered client.
enum Fixture {
    static let issuer = "http://127.0.0.1:8080"
    static let verifier = "dBjftJeZ4CVP-mJ92K9zcY9LmUgwxOVt8NP_LiDh-uk"
    static let challenge = "ceQ7C-Agnl_kH-or8mnx9n_OnG-PblBKHIsQeLHRxN0"
    static let cookieSecret = "0123456789abcdef0123456789abcdef-test-only"

    static func settings(issuer: String = issuer, schwabBase: String = "http://127.0.0.1:1") -> OAuthSettings {
        OAuthSettings(
            issuer: issuer,
            schwab: SchwabOAuthSettings(
                apiBase: schwabBase, clientId: "sandbox-app", clientSecret: "sandbox-secret-value",
                redirectURI: issuer + "/callback"))
    }

    static func keys() throws -> OAuthKeys { try OAuthKeys(cookieEncryptionKey: cookieSecret) }

    static let client = RegisteredClient(
        clientId: "mcp_client1", clientName: "Test <Client>", redirectURIs: ["http://127.0.0.1:9/cb"],
        tokenEndpointAuthMethod: "none", secretHash: nil, issuedAt: 0)

    static func authorizeQuery(_ overrides: [String: String?] = [:]) -> QueryParameters {
        var base: [(String, String?)] = [
            ("response_type", "code"), ("client_id", "mcp_client1"), ("redirect_uri", "http://127.0.0.1:9/cb"),
            ("state", "client-state"), ("code_challenge", challenge), ("code_challenge_method", "S256"),
            ("resource", issuer + "/mcp"), ("scope", "read"),
        ]
        for (key, value) in overrides {
            if let index = base.firstIndex(where: { $0.0 == key }) {
                base[index].1 = value
            } else {
                base.append((key, value))
            }
        }
        return QueryParameters(base.compactMap { pair in pair.1.map { (pair.0, $0) } })
    }
}

/// A clock tests move by hand.
final class TestClock: Sendable {
    private let seconds: Atomic<Int64>
    init(_ start: Int64 = 1_800_000_000) { seconds = Atomic(start) }
    var now: Int64 { seconds.load(ordering: .relaxed) }
    func advance(_ by: Int64) { seconds.add(by, ordering: .relaxed) }
    var function: @Sendable () -> Int64 { { self.now } }
}

/// Every log line written through it, for the secret scan.
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])
    var sink: LogSink { LogSink { line in self.lines.withLock { $0.append(line) } } }
    var all: [String] { lines.withLock { $0 } }
    func logger(level: LogLevel = .trace) -> Logger { Logger(label: "test", level: level, sink: sink) }
}
