import EdgeHTTP
import EdgeNet
import Foundation
import Synchronization
import TestSupport
import Testing

@Suite("HTTP server: graceful shutdown in process", .realWorld)
struct HTTPServerShutdownTests {
    @Test(
        "shutdown closes idle keep-alive connections, finishes the request in flight with Connection: close, refuses new ones"
    )
    func drain() async throws {
        let server = try TestServer()
        let port = server.port
        let idle = try RawClient(port: port)
        let busy = try RawClient(port: port)
        let (first, _) = try await blocking { () -> (String, Bool) in
            idle.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            return (idle.receive(until: "ok\n"), true)
        }
        #expect(first.hasSuffix("ok\n"))
        // Long enough to still be in flight when the drain starts, however slow the machine.
        busy.send("GET /delay?ms=5000 HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(await eventually { server.server.openConnections == 2 })
        server.server.shutdown(deadline: .seconds(20))
        let idleClosed = try await blocking { idle.receiveUntilClosed() }
        #expect(idleClosed.closed && idleClosed.text.isEmpty, "the idle connection is closed without a response")
        #expect(
            await eventually(timeout: 2) { !TestSupport.isListening(port: port) },
            "new connections are refused while draining (every loop closes its listener)")
        let answer = try await blocking { busy.receiveUntilClosed() }
        #expect(answer.text.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(answer.text.contains("Connection: close\r\n"))
        #expect(answer.text.hasSuffix("slept 5000 ms\n"))
        #expect(answer.closed)
        await server.server.run()
        #expect(server.server.openConnections == 0)
    }

    @Test("at the deadline, whatever is still running is closed and the server stops")
    func deadline() async throws {
        var routes = RoutedResponder()
        routes.add(.get, "/forever") { _ in
            .later {
                try? await Task.sleep(for: .seconds(30))
                return .text("too late\n")
            }
        }
        let server = try TestServer(routes)
        let client = try RawClient(port: server.port)
        client.send("GET /forever HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(await eventually { server.server.openConnections == 1 })
        server.server.shutdown(deadline: .milliseconds(300))
        await server.server.run()
        let (text, closed) = try await blocking { client.receiveUntilClosed() }
        #expect(closed && text.isEmpty)
        #expect(server.server.openConnections == 0)
    }

    @Test("a server cannot be started twice")
    func startTwice() throws {
        let server = try TestServer()
        defer { server.stop() }
        #expect(throws: NetError.self) { try server.server.start() }
    }
}
