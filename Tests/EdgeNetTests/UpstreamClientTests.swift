import EdgeCore
import EdgeHTTP
import EdgeNet
import Foundation
import TestSupport
import Testing

/// The upstream client against real local servers (a Python HTTP/1.1 peer, HTTPS with a
/// certificate the test makes, a closed port), each test with its own peer and client.
@Suite("UpstreamClient against real servers", .realWorld)
struct UpstreamClientTests {
    @Test("response headers arrive whole: Location, Schwab-Client-CorrelId, repeated Set-Cookie")
    func responseHeaders() async throws {
        let peer = try await UpstreamTestPeer()
        defer { peer.stop() }
        let client = UpstreamClient()
        defer { client.shutdown() }

        let response = try await client.send(UpstreamRequest(url: peer.url("/order")))
        #expect(response.status == 201)
        #expect(response.header("Location") == "https://api.schwabapi.com/trader/v1/accounts/ABC123/orders/1004455667")
        #expect(response.header("schwab-client-correlid") == "7d3c3e2a-8c5e-4b4e-9d7b-0a1b2c3d4e5f")
        #expect(response.headers.values("Set-Cookie") == ["first=1; Path=/", "second=2; Path=/; HttpOnly"])
        #expect(response.headers.fields.contains { $0.name == "Schwab-Client-CorrelId" }, "names keep their spelling")
        #expect(response.body.isEmpty)
    }

    @Test("a JSON body and its content type arrive intact")
    func jsonBody() async throws {
        let peer = try await UpstreamTestPeer()
        defer { peer.stop() }
        let client = UpstreamClient()
        defer { client.shutdown() }

        let order: JSONValue = [
            "orderType": "LIMIT", "price": "101.25", "session": "NORMAL",
            "orderLegCollection": [["instruction": "BUY", "quantity": 3, "instrument": ["symbol": "AAPL"]]],
        ]
        let request = UpstreamRequest.json(
            url: peer.url("/echo"), value: order, headers: ["Authorization": "Bearer not-a-real-token"])
        let response = try await client.send(request)
        #expect(response.status == 200)
        let echo = try UpstreamEcho(response.body)
        #expect(echo.method == "POST")
        #expect(echo.header("Content-Type") == "application/json")
        #expect(echo.header("Accept") == "application/json")
        #expect(echo.header("Authorization") == "Bearer not-a-real-token")
        #expect(echo.body == Array(order.jsonText.utf8))
    }

    @Test("a form body is WHATWG-encoded and the peer decodes the same fields back")
    func formBody() async throws {
        let peer = try await UpstreamTestPeer()
        defer { peer.stop() }
        let client = UpstreamClient()
        defer { client.shutdown() }

        let fields = [
            ("grant_type", "authorization_code"), ("code", "C0.a b&c=d/é+%~*"),
            ("redirect_uri", "https://127.0.0.1:8443/callback?x=1"), ("empty", ""),
        ]
        let response = try await client.send(
            .form(url: peer.url("/echo"), fields: fields, headers: ["Authorization": "Basic Y2xpZW50OnNlY3JldA=="]))
        let echo = try UpstreamEcho(response.body)
        #expect(echo.header("Content-Type") == "application/x-www-form-urlencoded")
        #expect(
            String(decoding: echo.body, as: UTF8.self)
                == "grant_type=authorization_code&code=C0.a+b%26c%3Dd%2F%C3%A9%2B%25%7E*"
                + "&redirect_uri=https%3A%2F%2F127.0.0.1%3A8443%2Fcallback%3Fx%3D1&empty=")
        #expect(echo.form.map(\.0) == fields.map(\.0))
        #expect(echo.form.map(\.1) == fields.map(\.1))
    }

    @Test("each method reaches the peer with its body", arguments: ["PUT", "PATCH", "DELETE", "POST"])
    func methods(method: String) async throws {
        let peer = try await UpstreamTestPeer()
        defer { peer.stop() }
        let client = UpstreamClient()
        defer { client.shutdown() }

        let body = Array("{\"n\":\(method.count)}".utf8)
        let response = try await client.send(
            .json(method: HTTPMethod(method), url: peer.url("/echo?m=\(method)"), body: body))
        let echo = try UpstreamEcho(response.body)
        #expect(echo.method == method)
        #expect(echo.path == "/echo?m=\(method)")
        #expect(echo.body == body)
    }

    @Test("GET, DELETE without a body and HEAD send no body; HEAD gets none back")
    func bodilessMethods() async throws {
        let peer = try await UpstreamTestPeer()
        defer { peer.stop() }
        let client = UpstreamClient()
        defer { client.shutdown() }

        let get = try UpstreamEcho(try await client.send(UpstreamRequest(url: peer.url("/echo"))).body)
        #expect(get.method == "GET" && get.body.isEmpty && get.header("Content-Length") == nil)
        let delete = try UpstreamEcho(
            try await client.send(UpstreamRequest(method: .delete, url: peer.url("/echo"))).body)
        #expect(delete.method == "DELETE" && delete.body.isEmpty)
        let head = try await client.send(UpstreamRequest(method: .head, url: peer.url("/echo")))
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
        #expect(Int(head.header("Content-Length") ?? "") ?? 0 > 0)
    }

    @Test("a 1 MiB body goes up and comes back intact")
    func largeBodies() async throws {
        let peer = try await UpstreamTestPeer()
        defer { peer.stop() }
        let client = UpstreamClient()
        defer { client.shutdown() }

        let upload = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let echo = try UpstreamEcho(
            try await client.send(UpstreamRequest(method: .post, url: peer.url("/echo"), body: upload)).body)
        #expect(echo.body == upload)
        #expect(echo.header("Expect") == nil, "no 100-continue round trip")
        let big = try await client.send(UpstreamRequest(url: peer.url("/big?n=1048576")))
        #expect(big.body.count == 1 << 20)
    }

    @Test("sequential requests reuse one keep-alive connection")
    func keepAliveReuse() async throws {
        let peer = try await UpstreamTestPeer()
        defer { peer.stop() }
        let client = UpstreamClient()
        defer { client.shutdown() }

        var connections: [Int] = []
        for index in 0..<6 {
            let request: UpstreamRequest =
                index.isMultiple(of: 2)
                ? UpstreamRequest(url: peer.url("/echo?i=\(index)"))
                : .form(url: peer.url("/echo"), fields: [("i", String(index))])
            connections.append(try UpstreamEcho(try await client.send(request).body).connection)
        }
        #expect(Set(connections).count == 1, "connections seen by the peer: \(connections)")
        // A second client has its own connections: the peer counts a new one.
        let other = UpstreamClient()
        defer { other.shutdown() }
        let fresh = try UpstreamEcho(try await other.send(UpstreamRequest(url: peer.url("/echo"))).body)
        #expect(fresh.connection != connections[0])
    }

    @Test("16 concurrent requests each get their own answer")
    func concurrentRequests() async throws {
        let peer = try await UpstreamTestPeer()
        defer { peer.stop() }
        let client = UpstreamClient()
        defer { client.shutdown() }

        let paths = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for index in 0..<16 {
                group.addTask {
                    let response = try await client.send(UpstreamRequest(url: peer.url("/echo?i=\(index)")))
                    return (index, try UpstreamEcho(response.body).path)
                }
            }
            var seen: [Int: String] = [:]
            for try await (index, path) in group { seen[index] = path }
            return seen
        }
        #expect(paths.count == 16)
        for (index, path) in paths { #expect(path == "/echo?i=\(index)") }
    }

    @Test("maxConnectionsPerHost caps the connections; extra requests wait for a free one")
    func connectionCap() async throws {
        let peer = try await UpstreamTestPeer()
        defer { peer.stop() }
        let client = UpstreamClient(configuration: .init(maxConnectionsPerHost: 2))
        defer { client.shutdown() }

        let connections = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<12 {
                group.addTask {
                    try UpstreamEcho(try await client.send(UpstreamRequest(url: peer.url("/echo?i=\(index)"))).body)
                        .connection
                }
            }
            var seen: [Int] = []
            for try await connection in group { seen.append(connection) }
            return seen
        }
        #expect(connections.count == 12)
        #expect(Set(connections).count <= 2, "connections used: \(Set(connections).sorted())")
    }

    @Test("a closed port fails with .connect, naming the origin and no secret")
    func connectRefused() async throws {
        let port = TestSupport.freePort()
        let client = UpstreamClient()
        defer { client.shutdown() }
        let request = UpstreamRequest(
            url: "http://127.0.0.1:\(port)/v1/oauth/token?code=SECRETCODE",
            headers: ["Authorization": "Bearer SECRETTOKEN"], body: Array("refresh_token=SECRETBODY".utf8))
        let error = await #expect(throws: UpstreamError.self) { try await client.send(request) }
        #expect(error?.kind == .connect)
        #expect(error?.message.contains("127.0.0.1:\(port)") == true)
        for secret in ["SECRETCODE", "SECRETTOKEN", "SECRETBODY", "oauth/token"] {
            #expect(error?.description.contains(secret) == false)
        }
    }

    @Test("a server that never answers fails with .timeout (client-wide and per-request limits)")
    func timeouts() async throws {
        let peer = try await UpstreamTestPeer()
        defer { peer.stop() }
        let strict = UpstreamClient(configuration: .init(totalTimeout: .milliseconds(500)))
        defer { strict.shutdown() }
        let error = await #expect(throws: UpstreamError.self) {
            try await strict.send(UpstreamRequest(url: peer.url("/hang")))
        }
        #expect(error?.kind == .timeout)

        let lenient = UpstreamClient()
        defer { lenient.shutdown() }
        var request = UpstreamRequest(url: peer.url("/hang"))
        request.timeout = .milliseconds(300)
        let perRequest = await #expect(throws: UpstreamError.self) { try await lenient.send(request) }
        #expect(perRequest?.kind == .timeout)
        // The client is still usable after a timeout.
        #expect(try await lenient.send(UpstreamRequest(url: peer.url("/order"))).status == 201)
    }

    @Test("a body over maxResponseBytes fails with .network instead of growing memory")
    func responseLimit() async throws {
        let peer = try await UpstreamTestPeer()
        defer { peer.stop() }
        let client = UpstreamClient(configuration: .init(maxResponseBytes: 1000))
        defer { client.shutdown() }
        #expect(try await client.send(UpstreamRequest(url: peer.url("/big?n=1000"))).body.count == 1000)
        let error = await #expect(throws: UpstreamError.self) {
            try await client.send(UpstreamRequest(url: peer.url("/big?n=5000")))
        }
        #expect(error?.kind == .network)
        #expect(error?.message.contains("1000 bytes") == true)
    }
}
