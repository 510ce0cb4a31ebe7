import EdgeHTTP
import EdgeNet
import Foundation
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Counters a streaming route updates and a test reads.
final class StreamProbe: Sendable {
    let writes = Atomic<Int>(0)
    let sawClose = Atomic<Bool>(false)
    let finished = Atomic<Bool>(false)
    /// The stream wrapper of a route that counts its parked writes, once the route has started.
    let inFlight = Mutex<WritesInFlight?>(nil)

    var writeCount: Int { writes.load(ordering: .relaxed) }
    var closed: Bool { sawClose.load(ordering: .relaxed) }
    var done: Bool { finished.load(ordering: .relaxed) }
}

@Suite("HTTP server: streamed responses and Server-Sent Events", .realWorld)
struct HTTPServerStreamingTests {
    @Test("curl receives SSE events with id and retry, heartbeat comments while idle, and a clean end")
    func serverSentEvents() async throws {
        let server = try TestServer { $0.heartbeatInterval = .milliseconds(100) }
        defer { server.stop() }
        let result = try await curl(["-N", "-i", "\(server.url)/events?count=3&interval_ms=10"])
        #expect(result.status == 0, "curl saw a cleanly ended chunked body: \(result.error)")
        #expect(result.output.contains("Content-Type: text/event-stream\r\n"))
        #expect(result.output.contains("Transfer-Encoding: chunked\r\n"))
        #expect(result.output.contains("event: tick\nid: 1\nretry: 1000\ndata: 1\n\n"))
        #expect(result.output.contains("event: tick\nid: 3\ndata: 3\n\n"))
        // An idle gap that no machine's slowness can close: the next event is a minute away, so
        // the stream must fill the gap with heartbeats (every 100 ms here). The test reads until
        // one arrives instead of hoping one falls between events a few hundred ms apart.
        let idle = try await blocking { () -> String in
            let client = try RawClient(port: server.port)
            client.send("GET /events?count=0&interval_ms=60000 HTTP/1.1\r\nHost: x\r\n\r\n")
            return client.receive(until: ": heartbeat\n")
        }
        let firstEvent = idle.range(of: "event: tick\nid: 1\nretry: 1000\ndata: 1\n\n")
        let heartbeat = idle.range(of: ": heartbeat\n")
        #expect(
            firstEvent != nil && heartbeat != nil && firstEvent!.upperBound <= heartbeat!.lowerBound,
            "idle gaps carry heartbeat comments: \(idle)")
    }

    @Test("an HTTP/1.0 client gets the stream unchunked, ended by the close; HEAD gets no body")
    func http10StreamAndHead() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let (plain, head) = try await blocking { () -> ((text: String, closed: Bool), (text: String, closed: Bool)) in
            let old = try RawClient(port: server.port)
            old.send("GET /events?count=2&interval_ms=10 HTTP/1.0\r\n\r\n")
            let head = try RawClient(port: server.port)
            head.send("HEAD /events?count=2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            return (old.receiveUntilClosed(), head.receiveUntilClosed())
        }
        #expect(plain.closed)
        #expect(!plain.text.contains("Transfer-Encoding"))
        #expect(plain.text.hasSuffix("event: tick\nid: 2\ndata: 2\n\n"), "\(plain.text)")
        #expect(head.closed)
        #expect(head.text.hasPrefix("HTTP/1.1 200 OK\r\n") && head.text.hasSuffix("\r\n\r\n"))
        #expect(!head.text.contains("event:"))
    }

    @Test("each event reaches the client when it is written, before the stream ends")
    func eventsAreFlushed() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let text = try await blocking {
            let client = try RawClient(port: server.port)
            client.send("GET /events?count=0&interval_ms=100 HTTP/1.1\r\nHost: x\r\n\r\n")
            return client.receive(until: "data: 2\n\n")
        }
        #expect(text.contains("id: 1\n") && text.contains("data: 2\n\n"))
    }

    @Test("the stream's handler learns at once when the client goes away")
    func clientGoesAway() async throws {
        let probe = StreamProbe()
        var routes = RoutedResponder()
        routes.add(.get, "/wait") { _ in
            .now(
                HTTPResponse(
                    body: .stream { stream in
                        await stream.write(Array("hello\n".utf8))
                        await stream.waitUntilClosed()
                        probe.sawClose.store(stream.isClosed, ordering: .relaxed)
                        probe.finished.store(true, ordering: .relaxed)
                    }))
        }
        let server = try TestServer(routes)
        defer { server.stop() }
        let text = try await blocking {
            let client = try RawClient(port: server.port)
            client.send("GET /wait HTTP/1.1\r\nHost: x\r\n\r\n")
            return client.receive(until: "hello\n")
        }
        #expect(text.contains("hello\n"))
        #expect(await eventually { probe.done })
        #expect(probe.closed)
        #expect(await eventually { server.server.openConnections == 0 })
    }

    @Test("an SSE body and its heartbeats both parked by back-pressure are both released when the client leaves")
    func parkedWritersReleased() async throws {
        let probe = StreamProbe()
        let payload = String(repeating: "x", count: 8 * 1024)
        var routes = RoutedResponder()
        routes.add(.get, "/sse-flood") { _ in
            .now(
                HTTPResponse(
                    body: .stream { stream in
                        let counted = WritesInFlight(stream)
                        probe.inFlight.withLock { $0 = counted }
                        await ServerSentEventWriter.serve(stream: counted, heartbeatInterval: .milliseconds(10)) {
                            writer in
                            while await writer.send(ServerSentEvent(data: payload)) {
                                probe.writes.add(1, ordering: .relaxed)
                            }
                        }
                        probe.finished.store(true, ordering: .relaxed)
                    }))
        }
        let watermark = 16 * 1024
        let server = try TestServer(routes) { $0.streamHighWatermark = watermark }
        defer { server.stop() }
        let client = try RawClient(port: server.port)
        client.setSmallReceiveBuffer()
        client.send("GET /sse-flood HTTP/1.1\r\nHost: x\r\n\r\n")
        // Parked, by events rather than by a pause: the queue is over the watermark (so every
        // write waits for it to drain, which it cannot while the client does not read) and two
        // writes are waiting, the body's and a heartbeat's.
        #expect(
            await eventually {
                server.server.queuedOutputBytes > watermark && probe.inFlight.withLock { $0?.count } == 2
            }, "the body and a heartbeat are both parked by back-pressure")
        shutdown(client.fd, Int32(SHUT_RDWR))
        #expect(await eventually { probe.done }, "the stream's handler returned")
    }

    @Test("a client that never reads an endless stream holds bounded memory, and others are still served")
    func backPressure() async throws {
        let probe = StreamProbe()
        let chunk = [UInt8](repeating: 0x61, count: 16 * 1024)
        var routes = BareServerRoutes.responder()
        routes.add(.get, "/flood") { _ in
            .now(
                HTTPResponse(
                    body: .stream { stream in
                        while await stream.write(chunk) { probe.writes.add(1, ordering: .relaxed) }
                        probe.finished.store(true, ordering: .relaxed)
                    }))
        }
        let watermark = 64 * 1024
        let server = try TestServer(routes) { $0.streamHighWatermark = watermark }
        defer { server.stop() }
        let client = try RawClient(port: server.port)
        client.setSmallReceiveBuffer()
        client.send("GET /flood HTTP/1.1\r\nHost: x\r\n\r\n")
        // Wait until the writer is stuck: once the socket buffers are full the queue goes over
        // the watermark, and from then on its write waits for a drain that cannot come.
        #expect(await eventually { server.server.queuedOutputBytes > watermark }, "the writer stopped advancing")
        let stalledAt = probe.writeCount
        let written = probe.writeCount * chunk.count
        #expect(
            server.server.queuedOutputBytes <= watermark + chunk.count + 64, "queued \(server.server.queuedOutputBytes)"
        )
        #expect(written < 64 * 1024 * 1024, "the writer was held back after \(written) bytes")
        #expect(!probe.done)
        #expect(probe.writeCount == stalledAt, "the parked write has not returned")
        let other = try await curl(["\(server.url)/health"])
        #expect(other.output == "ok\n", "another client is served while one stream is stuck")
        shutdown(client.fd, Int32(SHUT_RDWR))
        #expect(await eventually { probe.done }, "the writer hears that the client left")
        #expect(await eventually { server.server.queuedOutputBytes == 0 && server.server.openConnections == 0 })
    }
}

/// A response stream that passes every write on and counts the writes that have not returned
/// yet: while the client does not read, those are the writers parked by back-pressure.
final class WritesInFlight: ResponseStream {
    private let base: any ResponseStream
    private let pending = Atomic<Int>(0)

    init(_ base: any ResponseStream) { self.base = base }

    /// Writes begun and not yet returned.
    var count: Int { pending.load(ordering: .relaxed) }

    func write(_ bytes: [UInt8]) async -> Bool {
        pending.add(1, ordering: .relaxed)
        defer { pending.subtract(1, ordering: .relaxed) }
        return await base.write(bytes)
    }

    var isClosed: Bool { base.isClosed }
    func waitUntilClosed() async { await base.waitUntilClosed() }
}
