import EdgeCore
import Foundation
import TestSupport
import Testing

@testable import Router

@Suite struct RouterConfigurationTests {
    /// Address, loopback or not.
    static let addresses: [(String, Bool)] = [
        ("127.0.0.1", true), ("127.1.2.3", true), ("::1", true), ("[::1]", true), ("localhost", true),
        ("0.0.0.0", false), ("192.168.1.10", false), ("::", false), ("128.0.0.1", false), ("127.0.0", false),
        ("127.0.0.256", false), ("", false),
    ]

    @Test(arguments: addresses)
    func onlyLoopbackAddressesCountAsLoopback(address: String, loopback: Bool) {
        #expect(RouterConfiguration.isLoopback(address) == loopback)
    }

    /// Public URL, whether the router warns about it.
    static let publicURLs: [(String, Bool)] = [
        ("http://127.0.0.1:8788", false), ("http://localhost:8788", false), ("http://[::1]:8788", false),
        ("http://127.0.0.1", false), ("https://mcp.example.com", false), ("https://10.0.0.1:8443", false),
        ("http://mcp.example.com", true), ("http://10.0.0.1:8788", true), ("http://[2001:db8::1]:8788", true),
        ("HTTP://mcp.example.com/", true),
    ]

    @Test(arguments: publicURLs)
    func plainHTTPOffLoopbackIsWarnedAbout(url: String, warns: Bool) {
        let warning = RouterConfiguration.plainHTTPWarning(publicURL: url)
        #expect((warning != nil) == warns)
        if let warning { #expect(warning.contains("https") && warning.contains(url)) }
    }

    static let secrets = [
        "SCHWAB_CLIENT_ID": "app-key", "SCHWAB_CLIENT_SECRET": "app-secret",
        "COOKIE_ENCRYPTION_KEY": "0123456789abcdef0123456789abcdef",
    ]

    /// The configuration for a wrangler.toml whose `[runtime]` holds `runtime`, with `environment`.
    func load(_ runtime: String, environment: [String: String]) throws -> RouterConfiguration {
        let folder = try TestSupport.temporaryDirectory("router-config")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("wrangler.toml").path
        let toml = """
            name = "t"
            [[kv_namespaces]]
            binding = "OAUTH_KV"
            id = "oauth-kv"
            [[durable_objects.bindings]]
            name = "MCP_OBJECT"
            class_name = "MyMCP"
            [runtime]
            socket_dir = "\(folder.path)/s"
            \(runtime)
            """
        try toml.write(toFile: path, atomically: true, encoding: .utf8)
        let (config, secrets) = try ConfigLoader.load(path: path, environment: environment)
        return try RouterConfiguration(config: config, secrets: secrets)
    }

    @Test func oauthTakesItsIssuerFromThePublicURLAndSchwabFromTheSecrets() throws {
        let configuration = try load(
            "auth = \"oauth\"\npublic_url = \"https://mcp.example.com\"", environment: Self.secrets)
        #expect(configuration.routes.identity == .oauth)
        #expect(configuration.warnings.isEmpty, "https public URL and callback at the real Schwab")
        let oauth = try #require(configuration.oauth)
        #expect(oauth.settings.issuer == "https://mcp.example.com")
        #expect(oauth.settings.namespace == "OAUTH_KV")
        #expect(oauth.settings.schwab.authorizeURL == "https://api.schwabapi.com/v1/oauth/authorize")
        #expect(oauth.settings.schwab.redirectURI == "https://mcp.example.com/callback")
        #expect(oauth.settings.schwab.clientId == "app-key")
        #expect(configuration.kvSocketPath?.hasSuffix("/s/kv.sock") == true)

        var sandbox = Self.secrets
        sandbox["SCHWAB_API_BASE_URL"] = "http://127.0.0.1:8765"
        sandbox["SCHWAB_REDIRECT_URI"] = "https://elsewhere.example.com/cb"
        let other = try load("auth = \"oauth\"\nport = 9000", environment: sandbox)
        #expect(other.oauth?.settings.issuer == "http://127.0.0.1:9000")
        #expect(other.oauth?.settings.schwab.tokenURL == "http://127.0.0.1:8765/v1/oauth/token")
        #expect(other.oauth?.settings.schwab.redirectURI == "https://elsewhere.example.com/cb")
        #expect(other.warnings.isEmpty, "loopback http, and the sandbox takes any callback")

        let plain = try load("auth = \"oauth\"\nport = 9000", environment: Self.secrets)
        #expect(plain.warnings.count == 1)
        #expect(plain.warnings.first?.contains("SCHWAB_REDIRECT_URI is http://127.0.0.1:9000/callback") == true)
    }

    @Test func oauthWithoutItsSecretsNamesEachMissingOneAndWhereToSetIt() throws {
        #expect {
            _ = try load("auth = \"oauth\"", environment: ["SCHWAB_CLIENT_ID": "app-key"])
        } throws: { error in
            guard let error = error as? RouterError, error.code == .authNotAvailable else { return false }
            return error.message.contains("SCHWAB_CLIENT_SECRET") && error.message.contains("COOKIE_ENCRYPTION_KEY")
                && !error.message.contains("SCHWAB_CLIENT_ID is not set") && error.message.contains(".dev.vars")
        }
        var short = Self.secrets
        short["COOKIE_ENCRYPTION_KEY"] = "too-short"
        #expect {
            _ = try load("auth = \"oauth\"", environment: short)
        } throws: { error in
            (error as? RouterError)?.message.contains("at least 32 characters") == true
        }
    }

    @Test func oauthOnAPlainHTTPPublicAddressStartsWithAWarning() throws {
        let configuration = try load(
            "auth = \"oauth\"\nlisten_address = \"0.0.0.0\"\npublic_url = \"http://mcp.example.com\"",
            environment: Self.secrets)
        #expect(configuration.warnings.count == 2, "plain http, and a callback Schwab refuses")
        #expect(configuration.warnings.first?.contains("public_url http://mcp.example.com is plain http") == true)
        #expect(configuration.oauth?.settings.secureCookies == false)
    }

    @Test func authNoneKeepsItsLocalUserAndItsLoopbackRule() throws {
        let local = try load("auth = \"none\"", environment: [:])
        #expect(local.routes.identity == .localUser && local.oauth == nil)
        #expect(throws: RouterError.self) {
            _ = try load("auth = \"none\"\nlisten_address = \"0.0.0.0\"", environment: [:])
        }
    }
}
