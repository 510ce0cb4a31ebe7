import EdgeCore
import EdgeHTTP
import EdgeNet
import Foundation
import TestSupport
import Testing

@testable import OAuth

/// Client ID metadata documents fetched for real: a document served over HTTPS (a self-signed
/// certificate for 127.0.0.1 that the upstream client is told to trust), then checked.
@Suite(.serialized, .realWorld) struct ClientMetadataDocumentFetchTests {
    @Test func aDocumentClientIsFetchedCheckedAndShownOnTheApprovalPage() async throws {
        let folder = try TestSupport.temporaryDirectory("oauth-cimd")
        defer { try? FileManager.default.removeItem(at: folder) }
        let certificate = folder.appendingPathComponent("cert.pem").path
        let key = folder.appendingPathComponent("key.pem").path
        let made = try await TestSupport.run(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", certificate,
            ])
        try #require(made.status == 0, "openssl req failed: \(made.error)")

        let port = TestSupport.freePort()
        let base = "https://127.0.0.1:\(port)"
        var documents = RoutedResponder()
        documents.add(.get, "/good.json") { _ in
            .now(
                .json(
                    #"{"client_id":"\#(base)/good.json","client_name":"Doc Client","redirect_uris":["http://127.0.0.1:7/cb"]}"#
                ))
        }
        documents.add(.get, "/liar.json") { _ in
            .now(.json(#"{"client_id":"https://evil.example/x.json","redirect_uris":["http://127.0.0.1:7/cb"]}"#))
        }
        let server = try HTTPServer(
            configuration: .init(
                host: "127.0.0.1", port: port, eventLoops: 1,
                tls: TLSConfiguration(certificatePath: certificate, privateKeyPath: key)),
            responder: documents, logger: Logger(label: "docs", level: .error))
        _ = try server.start()
        defer { server.shutdown(deadline: .seconds(1)) }

        let kv = try await KVProcess()
        let upstream = UpstreamClient(configuration: .init(caBundlePath: certificate))
        defer { upstream.shutdown() }
        let logs = LogCapture()
        let endpoints = OAuthEndpoints(
            settings: Fixture.settings(), keys: try Fixture.keys(), kv: kv.client, upstream: upstream,
            logger: logs.logger())
        let responder = endpoints.responder
        func authorize(_ clientId: String, redirect: String = "http://127.0.0.1:7/cb") async -> HTTPResponse {
            let target =
                "/authorize?"
                + QueryParameters([
                    ("response_type", "code"), ("client_id", clientId), ("redirect_uri", redirect),
                    ("code_challenge", Fixture.challenge), ("code_challenge_method", "S256"),
                ]).encoded
            let request = HTTPRequest(head: HTTPRequestHead(method: .get, target: target), remoteAddress: "127.0.0.1")
            return await responder.respond(to: request).response() ?? HTTPResponse(status: .badGateway)
        }

        let good = await authorize(base + "/good.json")
        #expect(good.status.code == 200)
        let html = String(decoding: good.bodyBytes, as: UTF8.self)
        #expect(html.contains("Doc Client") && html.contains("127.0.0.1:7"))

        // The document does not list this redirect: an error page, never a redirect to it.
        let elsewhere = await authorize(base + "/good.json", redirect: "https://evil.example/cb")
        #expect(elsewhere.status.code == 400 && elsewhere.headers["Location"] == nil)
        // A document that names another client id, a missing one, an unreachable host.
        for id in [base + "/liar.json", base + "/missing.json", "https://127.0.0.1:1/none.json"] {
            let refused = await authorize(id)
            #expect(refused.status.code == 400 && refused.headers["Location"] == nil)
            #expect(String(decoding: refused.bodyBytes, as: UTF8.self).contains("invalid_client"))
        }
    }
}
