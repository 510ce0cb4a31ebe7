import EdgeHTTP
import EdgeNet
import Foundation
import TestSupport
import Testing

@Suite("HTTP server: requests from real clients", .realWorld)
struct HTTPServerBasicsTests {
    @Test("curl gets 200 from /health, and HEAD gets the head with the GET's length and no body")
    func healthAndHead() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let get = try await curl(["-i", "\(server.url)/health"])
        #expect(get.status == 0, "\(get.error)")
        #expect(get.output.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(get.output.hasSuffix("\r\n\r\nok\n"))

        let (text, closed) = try await blocking {
            let client = try RawClient(port: server.port)
            client.send("HEAD /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            return client.receiveUntilClosed()
        }
        #expect(closed)
        #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(text.contains("Content-Length: 3\r\n"))
        #expect(text.hasSuffix("\r\n\r\n"), "a HEAD response carries no body: \(text)")
    }

    @Test(
        "unknown paths answer 404, known paths under another method 405 with Allow",
        arguments: [
            ("GET", "/missing", 404, nil),
            ("DELETE", "/health", 405, "GET, HEAD"),
            ("GET", "/echo", 405, "POST"),
        ] as [(String, String, Int, String?)])
    func notFoundAndMethodNotAllowed(method: String, path: String, status: Int, allow: String?) async throws {
        let server = try TestServer()
        defer { server.stop() }
        let result = try await curl(["-i", "-X", method, server.url + path])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.hasPrefix("HTTP/1.1 \(status) "))
        if let allow { #expect(result.output.contains("Allow: \(allow)\r\n")) }
    }

    @Test("curl POSTs a body and gets it back, including one sent with Expect: 100-continue")
    func echo() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let small = try await curl([
            "-X", "POST", "-H", "Content-Type: text/plain", "--data-binary", "hello", "\(server.url)/echo",
        ])
        #expect(small.output == "hello")
        let big = String(repeating: "0123456789abcdef", count: 8192)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("echo-\(UUID().uuidString).txt")
        try big.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let large = try await curl([
            "-v", "-X", "POST", "-H", "Expect: 100-continue", "--data-binary", "@\(file.path)",
            "\(server.url)/echo",
        ])
        #expect(large.status == 0, "\(large.error)")
        #expect(large.error.contains("HTTP/1.1 100 Continue"), "the server invited the body")
        #expect(large.output == big)
    }

    @Test("Python http.client sends several requests over one kept-alive connection")
    func pythonKeepAlive() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let script = """
            import http.client
            c = http.client.HTTPConnection("127.0.0.1", \(server.port), timeout=60)
            out = []
            for i in range(5):
                c.request("POST", "/echo", body=("n%d" % i).encode(), headers={"Content-Type": "text/plain"})
                r = c.getresponse()
                out.append("%d:%s" % (r.status, r.read().decode()))
            c.request("HEAD", "/health")
            r = c.getresponse()
            out.append("%d:%s:%s" % (r.status, r.getheader("Content-Length"), r.read()))
            c.request("GET", "/health")
            r = c.getresponse()
            out.append("%d:%s" % (r.status, r.read().decode().strip()))
            print(",".join(out))
            """
        let result = try await python(script)
        #expect(result.status == 0, "\(result.error)")
        #expect(
            result.output.trimmingCharacters(in: .whitespacesAndNewlines)
                == "200:n0,200:n1,200:n2,200:n3,200:n4,200:3:b'',200:ok")
        #expect(server.server.acceptedConnections == 1, "all requests went over one connection")
    }

    @Test("a .later reply is written when it is ready, and the connection serves the next request")
    func laterReply() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let (first, second) = try await blocking {
            let client = try RawClient(port: server.port)
            client.send("GET /delay?ms=200 HTTP/1.1\r\nHost: x\r\n\r\n")
            let first = client.receive(until: "slept 200 ms\n")
            client.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            return (first, client.receive(until: "ok\n"))
        }
        #expect(first.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(second.hasSuffix("\r\n\r\nok\n"))
    }
}
