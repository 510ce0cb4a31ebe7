import Foundation
import TestSupport
import Testing

/// The router serves HTTPS when `[runtime]` names a certificate and a key.
@Suite struct RouterTLSTests {
    @Test func withACertificateConfiguredTheRouterServesHTTPSAndForwards() async throws {
        let world = try await RuntimeWorld(hosts: [1], scheme: "https") { folder in
            let certificate = folder.appendingPathComponent("cert.pem").path
            let key = folder.appendingPathComponent("key.pem").path
            let made = try await TestSupport.run(
                "/usr/bin/openssl",
                [
                    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-keyout", key, "-out", certificate,
                ])
            guard made.status == 0 else { throw WorldError(message: "openssl could not make a certificate") }
            var text = try String(contentsOfFile: RuntimeWorld.repositoryConfig, encoding: .utf8)
            text = text.replacingOccurrences(
                of: "# tls_certificate = \"/etc/schwab-mcp/cert.pem\"", with: "tls_certificate = \"\(certificate)\"")
            text = text.replacingOccurrences(
                of: "# tls_private_key = \"/etc/schwab-mcp/key.pem\"", with: "tls_private_key = \"\(key)\"")
            let path = folder.appendingPathComponent("wrangler.toml").path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        defer { world.cleanUp() }
        #expect(world.url.hasPrefix("https://"))
        let health = try await HTTP.get(world.url + "/health")
        #expect(health.status == 200)
        let routed = try await HTTP.post(world.url + "/objects/RuntimeProbe/tls-user/count")
        #expect(routed.status == 200 && reportedHost(routed.body) == 1, "\(routed.body)")
        let plain = try await HTTP.get("http://127.0.0.1:\(world.port)/health")
        #expect(plain.status != 200, "plain HTTP is not served on the TLS port")
        await world.stop()
    }
}
