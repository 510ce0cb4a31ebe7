import EdgeCrypto
import Foundation
import TestSupport
import Testing

/// The certificate `login` serves, read back by the `openssl` command line tool.
@Suite("SelfSignedCertificate read by openssl", .realWorld)
struct SelfSignedCertificateTests {
    @Test("P-256 key matching the certificate; SANs, CA:FALSE, serverAuth and the validity asked for")
    func openSSLReadsIt() async throws {
        let folder = try TestSupport.temporaryDirectory("self-signed")
        defer { try? FileManager.default.removeItem(at: folder) }
        let made = try SelfSignedCertificate.make(
            ipAddresses: ["127.0.0.1", "::1"], dnsNames: ["localhost"], validitySeconds: 7200)
        let cert = folder.appendingPathComponent("cert.pem").path
        let key = folder.appendingPathComponent("key.pem").path
        try made.certificatePEM.write(toFile: cert, atomically: true, encoding: .utf8)
        try made.privateKeyPEM.write(toFile: key, atomically: true, encoding: .utf8)
        #expect(made.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        let text = try await TestSupport.run(
            "/usr/bin/openssl",
            ["x509", "-in", cert, "-noout", "-ext", "subjectAltName,basicConstraints,extendedKeyUsage", "-subject"])
        #expect(text.status == 0, "\(text.error)")
        #expect(text.output.contains("IP Address:127.0.0.1"))
        #expect(text.output.contains("IP Address:0:0:0:0:0:0:0:1"))
        #expect(text.output.contains("DNS:localhost"))
        #expect(text.output.contains("CA:FALSE"))
        #expect(text.output.contains("TLS Web Server Authentication"))
        let certificateKey = try await TestSupport.run("/usr/bin/openssl", ["x509", "-in", cert, "-noout", "-pubkey"])
        let privateKey = try await TestSupport.run("/usr/bin/openssl", ["pkey", "-in", key, "-pubout"])
        #expect(certificateKey.output == privateKey.output && !privateKey.output.isEmpty)
        let curve = try await TestSupport.run("/usr/bin/openssl", ["pkey", "-in", key, "-noout", "-text"])
        #expect(curve.output.contains("prime256v1") || curve.output.contains("P-256"))
        let valid = try await TestSupport.run("/usr/bin/openssl", ["x509", "-in", cert, "-noout", "-checkend", "3600"])
        #expect(valid.status == 0)
        let expires = try await TestSupport.run(
            "/usr/bin/openssl", ["x509", "-in", cert, "-noout", "-checkend", "7300"])
        #expect(expires.status != 0)
        // Two certificates never share a key.
        #expect(try SelfSignedCertificate.make().privateKeyPEM != made.privateKeyPEM)
    }
}
