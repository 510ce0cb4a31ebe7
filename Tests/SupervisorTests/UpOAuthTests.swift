import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `schwab-mcp up` out of the box: the repository's wrangler.toml (auth = "oauth"), no secrets
/// at all. The stack must come up with the sandbox standing in for Schwab, write itself a cookie
/// key it keeps across restarts, and serve the OAuth side.
@Suite(.serialized, .realWorld) struct UpOAuthTests {
    @Test func theRepositoryConfigurationStartsWithOAuthAndKeepsItsGeneratedCookieKey() async throws {
        let folder = try TestSupport.temporaryDirectory("up-oauth")
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("wrangler.toml").path
        try FileManager.default.copyItem(
            atPath: TestSupport.packageRoot.appendingPathComponent("wrangler.toml").path, toPath: config)
        let routerPort = TestSupport.freePort()
        let sandboxPort = TestSupport.freePort()
        let base = "http://127.0.0.1:\(routerPort)"
        let devVars = folder.appendingPathComponent(".dev.vars").path
        var key = ""
        for round in 1...2 {
            let up = try ChildProcess(
                ["up", "--config", config, "--port", String(routerPort), "--sandbox-port", String(sandboxPort)],
                logDirectory: folder)
            defer { if up.isRunning { kill(up.pid, SIGKILL) } }
            #expect(
                await eventually(timeout: 90) { up.stderrText.contains("schwab-mcp is up") || !up.isRunning },
                "\(up.stderrText)")
            let banner = up.stderrText
            #expect(banner.contains("sign-in           OAuth 2.1"))
            #expect(banner.contains("password \"demo\""))
            #expect(banner.contains(base + "/mcp"))
            #expect(banner.contains(".dev.vars") == (round == 1), "only the first run writes a key")

            let text = try String(contentsOfFile: devVars, encoding: .utf8)
            let lines = text.split(separator: "\n").filter { $0.hasPrefix("COOKIE_ENCRYPTION_KEY=") }
            #expect(lines.count == 1, "one key, kept on the next run")
            let value = String(lines.first?.dropFirst("COOKIE_ENCRYPTION_KEY=".count) ?? "")
            #expect(value.count == 64 && value.allSatisfy(\.isHexDigit))
            if round == 1 { key = value } else { #expect(value == key) }
            let mode = try FileManager.default.attributesOfItem(atPath: devVars)[.posixPermissions] as? Int
            #expect(mode == 0o600)

            let curl = ["-sS", "--max-time", "60"]
            let challenge = try await TestSupport.run(
                "/usr/bin/curl",
                curl + ["-o", "/dev/null", "-w", "%{http_code} %header{www-authenticate}", "-X", "POST", base + "/mcp"]
            ).output
            #expect(challenge.hasPrefix("401 Bearer") && challenge.contains("scope=\"read\""), "\(challenge)")
            let metadata = try await TestSupport.run(
                "/usr/bin/curl", curl + [base + "/.well-known/oauth-authorization-server"]
            ).output
            #expect(metadata.contains("\"issuer\":\"\(base)\""), "\(metadata)")
            // The router reaches the KV service: a client can register.
            let registered = try await TestSupport.run(
                "/usr/bin/curl",
                curl + [
                    "-H", "Content-Type: application/json", "-d",
                    #"{"redirect_uris":["http://127.0.0.1:9/cb"],"token_endpoint_auth_method":"none"}"#,
                    base + "/register",
                ]
            ).output
            #expect(registered.contains("\"client_id\""), "\(registered)")

            let everything = up.stderrText + up.stdoutText
            #expect(!everything.contains(key), "the cookie key is never printed")
            up.signal(SIGTERM)
            #expect(await eventually { !up.isRunning })
            #expect(up.process.terminationStatus == 0)
        }
    }
}
