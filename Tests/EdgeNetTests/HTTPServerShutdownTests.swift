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
        // The busy request is held by the test, not by a delay: the drain starts once the server
        // has it in hand (an event), and it is answered only after the listener is gone. A fixed
        // delay raced the drain on a loaded machine (the request was not read yet, so its
        // connection counted as idle and was closed with no answer).
        let held = HeldRequests()
        var routes = BareServerRoutes.responder()
        routes.add(.get, "/held") { _ in
            .later {
                await held.hold()
                return .text("answered after the drain began\n")
            }
        }
        let server = try TestServer(routes)
        let port = server.port
        let idle = try RawClient(port: port)
        let busy = try RawClient(port: port)
        let (first, _) = try await blocking { () -> (String, Bool) in
            idle.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            return (idle.receive(until: "ok\n"), true)
        }
        #expect(first.hasSuffix("ok\n"))
        busy.send("GET /held HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(await eventually { held.arrivals == 1 }, "the busy request reached its route")
        #expect(server.server.openConnections == 2)
        // The deadline only bounds a hang: the held request is released long before it.
        server.server.shutdown(deadline: .seconds(TestSupport.hangTimeout))
        let idleClosed = try await blocking { idle.receiveUntilClosed() }
        #expect(idleClosed.closed && idleClosed.text.isEmpty, "the idle connection is closed without a response")
        #expect(
            await eventually { !TestSupport.isListening(port: port) },
            "new connections are refused while draining (every loop closes its listener)")
        held.release()
        let answer = try await blocking { busy.receiveUntilClosed() }
        #expect(answer.text.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(answer.text.contains("Connection: close\r\n"))
        #expect(answer.text.hasSuffix("answered after the drain began\n"))
        #expect(answer.closed)
        await server.server.run()
        #expect(server.server.openConnections == 0)
    }

    @Test("at the deadline, whatever is still running is closed and the server stops")
    func deadline() async throws {
        // The request is held until the test ends, so it is certainly still running at the
        // deadline; the test waits for its arrival rather than for a delay.
        let held = HeldRequests()
        var routes = RoutedResponder()
        routes.add(.get, "/forever") { _ in
            .later {
                await held.hold()
                return .text("too late\n")
            }
        }
        let server = try TestServer(routes)
        let client = try RawClient(port: server.port)
        client.send("GET /forever HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(await eventually { held.arrivals == 1 }, "the request is in flight")
        #expect(server.server.openConnections == 1)
        server.server.shutdown(deadline: .milliseconds(300))
        await server.server.run()
        let (text, closed) = try await blocking { client.receiveUntilClosed() }
        #expect(closed && text.isEmpty)
        #expect(server.server.openConnections == 0)
        held.release()
    }

    @Test("a server cannot be started twice")
    func startTwice() throws {
        let server = try TestServer()
        defer { server.stop() }
        #expect(throws: NetError.self) { try server.server.start() }
    }
}

/// Requests a route holds in flight until the test releases them: the test waits for their
/// arrival instead of guessing how long a delay must be to still be running at some later step.
final class HeldRequests: Sendable {
    private let state = Mutex<(arrivals: Int, released: Bool, waiters: [CheckedContinuation<Void, Never>])>(
        (0, false, []))

    /// How many requests reached `hold()` so far.
    var arrivals: Int { state.withLock { $0.arrivals } }

    /// Counts the arrival, then suspends until `release()` (at once if it already happened).
    func hold() async {
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let now = state.withLock { s -> Bool in
                s.arrivals += 1
                if s.released { return true }
                s.waiters.append(waiter)
                return false
            }
            if now { waiter.resume() }
        }
    }

    /// Lets every held request (and every later one) go on.
    func release() {
        let waiters = state.withLock { s in
            s.released = true
            defer { s.waiters = [] }
            return s.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
