import EdgeHTTP
import EdgeNet
import Foundation
import TestSupport
import Testing

@Suite("HTTP server: pipelining, 100-continue and bad framing over a real socket", .realWorld)
struct HTTPServerFramingTests {
    @Test("three pipelined requests sent in one write get three responses in order")
    func pipelining() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let text = try await blocking {
            let client = try RawClient(port: server.port)
            client.send(
                "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nfirst"
                    + "GET /delay?ms=50 HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nthird\r\n0\r\n\r\n")
            return client.receive(until: "third")
        }
        let first = text.range(of: "first")
        let second = text.range(of: "slept 50 ms")
        let third = text.range(of: "third")
        #expect(occurrences(of: "HTTP/1.1 200 OK", in: text) == 3, "\(text)")
        if let first, let second, let third {
            #expect(first.upperBound <= second.lowerBound && second.upperBound <= third.lowerBound)
        } else {
            Issue.record("missing a response: \(text)")
        }
    }

    @Test("Expect: 100-continue gets 100 before the body is sent, then the final response")
    func expectContinue() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let (interim, final) = try await blocking {
            let client = try RawClient(port: server.port)
            client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
            let interim = client.receive(until: "\r\n\r\n")
            client.send("ping")
            return (interim, client.receive(until: "ping"))
        }
        #expect(interim == "HTTP/1.1 100 Continue\r\n\r\n")
        #expect(final.hasPrefix("HTTP/1.1 200 OK\r\n"))
    }

    @Test("Expect: 100-continue with a body over the route's limit gets 413 and no invitation")
    func expectContinueOverLimit() async throws {
        var routes = BareServerRoutes.responder()
        routes.add(.post, "/small", bodyLimit: 10) { request in .now(HTTPResponse(bytes: request.body)) }
        let server = try TestServer(routes)
        defer { server.stop() }
        let (text, closed) = try await blocking {
            let client = try RawClient(port: server.port)
            client.send("POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\nExpect: 100-continue\r\n\r\n")
            return client.receiveUntilClosed()
        }
        #expect(text.hasPrefix("HTTP/1.1 413 "), "\(text)")
        #expect(!text.contains("100 Continue"))
        #expect(closed)
    }

    @Test(
        "a malformed or smuggling request gets the parser's status, Connection: close, and the connection closes",
        arguments: [
            ("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
            ("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 400),
            ("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501),
            ("GET / HTTP/1.1\nHost: x\n\n", 400),
            ("GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", 400),
            ("GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505),
            ("GET /" + String(repeating: "a", count: 9000) + " HTTP/1.1\r\n\r\n", 414),
        ] as [(String, Int)])
    func parseErrors(request: String, status: Int) async throws {
        let server = try TestServer()
        defer { server.stop() }
        let (text, closed) = try await blocking {
            let client = try RawClient(port: server.port)
            client.send(request + "GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            return client.receiveUntilClosed()
        }
        #expect(text.hasPrefix("HTTP/1.1 \(status) "), "\(text)")
        #expect(text.contains("Connection: close\r\n"))
        #expect(occurrences(of: "HTTP/1.1 ", in: text) == 1, "nothing after the error is answered: \(text)")
        #expect(closed)
    }

    @Test("a body over the route's limit gets 413 and the connection closes")
    func bodyTooLarge() async throws {
        var routes = BareServerRoutes.responder()
        routes.add(.post, "/small", bodyLimit: 10) { request in .now(HTTPResponse(bytes: request.body)) }
        let server = try TestServer(routes)
        defer { server.stop() }
        let (text, closed) = try await blocking {
            let client = try RawClient(port: server.port)
            client.send(
                "POST /small HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nb\r\nhello world\r\n0\r\n\r\n")
            return client.receiveUntilClosed()
        }
        #expect(text.hasPrefix("HTTP/1.1 413 "), "\(text)")
        #expect(closed)
    }

    @Test("HTTP/1.0 with Connection: keep-alive is told keep-alive and can send a second request")
    func http10KeepAlive() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let (first, second) = try await blocking {
            let client = try RawClient(port: server.port)
            client.send("GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            let first = client.receive(until: "ok\n")
            client.send("GET /health HTTP/1.0\r\n\r\n")
            return (first, client.receiveUntilClosed())
        }
        #expect(first.contains("Connection: keep-alive\r\n"), "\(first)")
        #expect(second.text.hasSuffix("ok\n") && second.closed)
    }

    @Test("HTTP/1.0 without keep-alive gets one response and a close")
    func http10() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let (text, closed) = try await blocking {
            let client = try RawClient(port: server.port)
            client.send("GET /health HTTP/1.0\r\n\r\n")
            return client.receiveUntilClosed()
        }
        #expect(text.hasSuffix("\r\n\r\nok\n"))
        #expect(closed)
    }
}

@Suite("HTTP server: pipelining clients that do not read", .realWorld)
struct HTTPServerPipelineBackPressureTests {
    @Test("a client that pipelines without reading is stopped by the server, then gets every answer in order")
    func pipelinedFlood() async throws {
        let watermark = 16 * 1024
        let server = try TestServer { $0.streamHighWatermark = watermark }
        defer { server.stop() }
        let request = Array("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        let (sent, queuedWhileBlocked, responses, closed) = try await blocking {
            let client = try RawClient(port: server.port)
            var timeout = timeval(tv_sec: 1, tv_usec: 0)
            setsockopt(client.fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let batch = [[UInt8]](repeating: request, count: 256).flatMap { $0 }
            var sent = 0
            // Until the server stops reading: its queue is full and its parser holds its limit.
            while sent < 32 * 1024 * 1024 {
                let n = batch.withUnsafeBytes { send(client.fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if n <= 0 { break }
                sent += n
                if n < batch.count { break }
            }
            let queued = server.server.queuedOutputBytes
            shutdown(client.fd, Int32(SHUT_WR))
            let (text, closed) = client.receiveUntilClosed()
            return (sent, queued, occurrences(of: "HTTP/1.1 200 OK\r\n", in: text), closed)
        }
        #expect(sent < 32 * 1024 * 1024, "the server stopped reading a client that does not read")
        #expect(queuedWhileBlocked <= watermark + 512, "queued \(queuedWhileBlocked)")
        #expect(responses == sent / request.count, "every complete request was answered after the EOF")
        #expect(closed)
    }
}
