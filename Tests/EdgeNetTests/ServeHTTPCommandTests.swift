import EdgeCore
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A child `schwab-mcp serve-http` on a port it picks, read from its "listening" log line.
struct ServeHTTPChild {
    let child: ChildProcess
    let port: Int

    init(_ extra: [String] = []) async throws {
        let process = try ChildProcess(["serve-http", "--port", "0", "--loops", "2"] + extra)
        var found: Int?
        _ = await TestSupport.waitUntil {
            found = ServeHTTPChild.listeningPort(in: process.stderrText)
            return found != nil || !process.isRunning
        }
        guard let found else {
            process.stop()
            throw RawClientError(message: "serve-http did not report a port: \(process.stderrText)")
        }
        child = process
        port = found
    }

    /// The port of the first `"msg":"listening"` JSON line.
    static func listeningPort(in log: String) -> Int? {
        for line in log.split(separator: "\n") where line.contains("\"msg\":\"listening\"") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                continue
            }
            return object["port"] as? Int
        }
        return nil
    }
}

@Suite("schwab-mcp serve-http as a child process", .realWorld)
struct ServeHTTPCommandTests {
    @Test("serve-http logs its port as JSON and answers /health")
    func health() async throws {
        let server = try await ServeHTTPChild()
        defer { server.child.stop() }
        let result = try await curl(["http://127.0.0.1:\(server.port)/health"])
        #expect(result.output == "ok\n")
    }

    @Test(
        "bad flags exit with status 2 and say what was wrong",
        arguments: [
            (["--port", "http"], "--port expects a whole number"),
            (["--tls-cert", "/nonexistent.pem"], "--tls-cert and --tls-key go together"),
            (["--colour"], "unexpected argument '--colour'"),
        ] as [([String], String)])
    func badFlags(arguments: [String], message: String) async throws {
        let result = try await TestSupport.run(TestSupport.binary.path, ["serve-http"] + arguments)
        #expect(result.status == 2)
        #expect(result.error.contains(message), "\(result.error)")
    }

    @Test(
        "SIGTERM drains: an in-flight slow request completes, new connections are refused, an SSE stream ends cleanly")
    func sigtermDrain() async throws {
        // The grace only bounds a hang: the drain ends as soon as the slow request is answered.
        let server = try await ServeHTTPChild(["--shutdown-grace", String(Int(TestSupport.hangTimeout))])
        defer { server.child.stop() }
        let port = server.port
        let events = try ChildProcess(
            ["--silent", "--show-error", "-N", "--max-time", "120", "http://127.0.0.1:\(port)/events?interval_ms=100"],
            executable: URL(fileURLWithPath: "/usr/bin/curl"))
        defer { events.stop() }
        // The slow request is in flight by an event, not by a long delay: the server has read its
        // head when it answers 100 Continue, and its one-byte body is sent only once new
        // connections are refused, so it is certainly in flight for the whole start of the drain.
        let slow = try RawClient(port: port)
        let continued = try await blocking { () -> String in
            slow.send("GET /delay?ms=1000 HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nExpect: 100-continue\r\n\r\n")
            return slow.receive(until: "\r\n\r\n")
        }
        #expect(continued == "HTTP/1.1 100 Continue\r\n\r\n", "the server holds the slow request: \(continued)")
        #expect(await eventually { events.stdoutText.contains("data: 2\n") }, "the stream is running")
        server.child.signal(SIGTERM)
        #expect(await eventually { server.child.stderrText.contains("\"msg\":\"shutting down\"") })
        // The loops close their listeners just after the log line; wait for that.
        let refused = await eventually { !TestSupport.isListening(port: port) }
        #expect(refused, "new connections are refused while draining")
        #expect(!slow.hasInput, "the slow request was still in flight when new connections were refused")
        let answer = try await blocking { () -> (text: String, closed: Bool) in
            slow.send("x")
            return slow.receiveUntilClosed()
        }
        #expect(answer.text.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(answer.text)")
        #expect(answer.text.contains("Connection: close\r\n"))
        #expect(answer.text.hasSuffix("slept 1000 ms\n"))
        #expect(answer.closed)

        let eventsExit = await events.waitForExit()
        #expect(eventsExit == 0, "curl saw the chunked stream end cleanly: \(events.stderrPath.path)")
        let serverExit = await server.child.waitForExit()
        #expect(serverExit == 0)
        #expect(server.child.stderrText.contains("\"msg\":\"stopped\""))
    }
}
