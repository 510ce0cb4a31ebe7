import EdgeHTTP
import EdgeNet
import Foundation
import TestSupport
import Testing

/// TLS verification, cancellation, shutdown and refused input.
@Suite("UpstreamClient TLS, cancellation and bad input", .realWorld)
struct UpstreamClientLifecycleTests {
    @Test("a self-signed certificate is refused by default and accepted with it as the CA bundle")
    func tlsVerification() async throws {
        let peer = try await UpstreamTestPeer(tls: true)
        defer { peer.stop() }
        let url = peer.url("/order", scheme: "https")

        let strict = UpstreamClient()
        defer { strict.shutdown() }
        let error = await #expect(throws: UpstreamError.self) { try await strict.send(UpstreamRequest(url: url)) }
        #expect(error?.kind == .tls)

        let trusting = UpstreamClient(configuration: .init(caBundlePath: peer.certificatePath))
        defer { trusting.shutdown() }
        let response = try await trusting.send(UpstreamRequest(url: url))
        #expect(response.status == 201)
        #expect(response.header("Schwab-Client-CorrelId") == "7d3c3e2a-8c5e-4b4e-9d7b-0a1b2c3d4e5f")

        // Verification can be turned off (tests only): the same server is then accepted unchecked.
        let unchecked = UpstreamClient(configuration: .init(verifyTLS: false))
        defer { unchecked.shutdown() }
        #expect(try await unchecked.send(UpstreamRequest(url: url)).status == 201)
    }

    @Test("a trusted certificate for another name is refused (host name verification)")
    func tlsNameMismatch() async throws {
        let peer = try await UpstreamTestPeer(tls: true, certificateNames: "DNS:other.example")
        defer { peer.stop() }
        let client = UpstreamClient(configuration: .init(caBundlePath: peer.certificatePath))
        defer { client.shutdown() }
        let error = await #expect(throws: UpstreamError.self) {
            try await client.send(UpstreamRequest(url: peer.url("/order", scheme: "https")))
        }
        #expect(error?.kind == .tls)
        #expect(error?.message.contains("127.0.0.1:\(peer.port)") == true)
    }

    @Test("a missing CA bundle file is a .tls error, not a crash")
    func missingBundle() async throws {
        let peer = try await UpstreamTestPeer(tls: true)
        defer { peer.stop() }
        let client = UpstreamClient(configuration: .init(caBundlePath: peer.directory.path + "/absent.pem"))
        defer { client.shutdown() }
        let error = await #expect(throws: UpstreamError.self) {
            try await client.send(UpstreamRequest(url: peer.url("/order", scheme: "https")))
        }
        #expect(error?.kind == .tls)
    }

    @Test("cancelling the calling task aborts its transfer with .cancelled; the client keeps working")
    func cancellation() async throws {
        let peer = try await UpstreamTestPeer()
        defer { peer.stop() }
        let client = UpstreamClient()
        defer { client.shutdown() }

        let hang = peer.url("/hang")
        let task = Task { try await client.send(UpstreamRequest(url: hang)) }
        // In flight by an event: the peer has the request (a 200 ms pause could end before the
        // request left on a loaded machine, and then only a cancel before sending was tested).
        #expect(await eventually { peer.hangRequests == 1 }, "the request reached the peer")
        task.cancel()
        let result = await task.result
        guard case .failure(let error as UpstreamError) = result else {
            Issue.record("the cancelled request did not fail with UpstreamError: \(result)")
            return
        }
        #expect(error.kind == .cancelled)
        #expect(try await client.send(UpstreamRequest(url: peer.url("/order"))).status == 201)
    }

    @Test("a task cancelled before sending fails with .cancelled and sends nothing")
    func cancelledBeforeSend() async throws {
        let peer = try await UpstreamTestPeer()
        defer { peer.stop() }
        let client = UpstreamClient()
        defer { client.shutdown() }
        let echoURL = peer.url("/echo")
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await client.send(UpstreamRequest(url: echoURL))
        }
        let result = await task.result
        guard case .failure(let error as UpstreamError) = result else {
            Issue.record("expected .cancelled, got \(result)")
            return
        }
        #expect(error.kind == .cancelled)
        // The peer saw no request: the next one is the first it ever received.
        let echo = try UpstreamEcho(try await client.send(UpstreamRequest(url: peer.url("/echo"))).body)
        #expect(echo.request == 1)
    }

    @Test("shutdown fails requests in flight and later ones with .cancelled")
    func shutdown() async throws {
        let peer = try await UpstreamTestPeer()
        defer { peer.stop() }
        let client = UpstreamClient()
        let hang = peer.url("/hang")
        let inFlight = Task { try await client.send(UpstreamRequest(url: hang)) }
        #expect(await eventually { peer.hangRequests == 1 }, "the request is in flight at the peer")
        client.shutdown()
        let result = await inFlight.result
        guard case .failure(let error as UpstreamError) = result else {
            Issue.record("the in-flight request did not fail: \(result)")
            return
        }
        #expect(error.kind == .cancelled)
        let later = await #expect(throws: UpstreamError.self) {
            try await client.send(UpstreamRequest(url: peer.url("/order")))
        }
        #expect(later?.kind == .cancelled)
        client.shutdown()
    }

    static let badRequests: [(name: String, request: UpstreamRequest, kind: UpstreamError.Kind)] = [
        ("not a URL", UpstreamRequest(url: "not a url"), .invalidURL),
        ("no scheme", UpstreamRequest(url: "127.0.0.1:8080/x"), .invalidURL),
        ("ftp scheme", UpstreamRequest(url: "ftp://127.0.0.1/file"), .invalidURL),
        ("file scheme", UpstreamRequest(url: "file:///etc/passwd"), .invalidURL),
        ("no host", UpstreamRequest(url: "http:///path"), .invalidURL),
        (
            "CRLF in a header value",
            UpstreamRequest(url: "http://127.0.0.1:9/", headers: ["Authorization": "Bearer SECRET\r\nX-Evil: 1"]),
            .invalidRequest
        ),
        (
            "space in a header name", UpstreamRequest(url: "http://127.0.0.1:9/", headers: ["Bad Name": "v"]),
            .invalidRequest
        ),
        ("empty header name", UpstreamRequest(url: "http://127.0.0.1:9/", headers: ["": "v"]), .invalidRequest),
        (
            "method with a space", UpstreamRequest(method: HTTPMethod("GET X"), url: "http://127.0.0.1:9/"),
            .invalidRequest
        ),
    ]

    @Test("malformed requests are refused before anything is sent", arguments: badRequests)
    func badRequestRefused(name: String, request: UpstreamRequest, kind: UpstreamError.Kind) async {
        let client = UpstreamClient()
        defer { client.shutdown() }
        let error = await #expect(throws: UpstreamError.self, "\(name)") { try await client.send(request) }
        #expect(error?.kind == kind, "\(name)")
        #expect(error?.message.contains("SECRET") == false, "\(name)")
    }
}
