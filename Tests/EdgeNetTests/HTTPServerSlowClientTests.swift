import EdgeHTTP
import EdgeNet
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The descriptors in /proc/self/fd that are accepted (not listening) TCP sockets on local
/// `port`: the server's side of its connections. Counting only these keeps other tests running in
/// the same process from disturbing the count.
func serverSocketDescriptors(port: Int) -> Int {
    var inodes: Set<String> = []
    let portHex = String(format: "%04X", port)
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        // /proc files report size 0, so read to EOF rather than by the reported size.
        guard let handle = FileHandle(forReadingAtPath: table) else { continue }
        let text = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
        try? handle.close()
        for line in text.split(separator: "\n").dropFirst() {
            let columns = line.split(separator: " ", omittingEmptySubsequences: true)
            guard columns.count > 9, columns[1].hasSuffix(":" + portHex), columns[3] != "0A" else { continue }
            inodes.insert(String(columns[9]))
        }
    }
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
    return entries.filter { entry in
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + entry),
            target.hasPrefix("socket:[")
        else { return false }
        return inodes.contains(String(target.dropFirst(8).dropLast()))
    }.count
}

@Suite("HTTP server: slow and vanishing clients", .realWorld)
struct HTTPServerSlowClientTests {
    @Test("a client that trickles its headers is cut off with 408 after the header timeout")
    func trickledHeaders() async throws {
        let server = try TestServer { $0.headerTimeout = .seconds(1) }
        defer { server.stop() }
        let (sentAll, text, closed) = try await blocking {
            let client = try RawClient(port: server.port)
            // One byte every 100 ms for as long as a test may wait (`TestSupport.hangTimeout`) if the
            // server let it go on; the 1 s header timeout cuts it off long before.
            let trickle = Int(TestSupport.hangTimeout * 10)
            let request = Array("GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: " + String(repeating: "a", count: trickle))
            var sentAll = true
            for character in request {
                if !client.send(String(character)) {
                    sentAll = false
                    break
                }
                var probe = pollfd(fd: client.fd, events: Int16(POLLIN), revents: 0)
                if poll(&probe, 1, 100) > 0 {
                    sentAll = false
                    break
                }
            }
            let (text, closed) = client.receiveUntilClosed()
            return (sentAll, text, closed)
        }
        #expect(!sentAll, "the server answered before the trickle ended")
        #expect(text.hasPrefix("HTTP/1.1 408 "), "\(text)")
        #expect(closed)
    }

    @Test("a body that stops arriving is answered 408 after the body timeout")
    func stalledBody() async throws {
        let server = try TestServer { $0.bodyTimeout = .milliseconds(500) }
        defer { server.stop() }
        let (text, closed) = try await blocking {
            let client = try RawClient(port: server.port)
            client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc")
            return client.receiveUntilClosed()
        }
        #expect(text.hasPrefix("HTTP/1.1 408 "), "\(text)")
        #expect(closed)
    }

    @Test("an idle keep-alive connection is closed after the idle timeout, without a response")
    func idleTimeout() async throws {
        let server = try TestServer { $0.idleTimeout = .milliseconds(300) }
        defer { server.stop() }
        let (text, closed) = try await blocking {
            let client = try RawClient(port: server.port)
            client.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            return client.receiveUntilClosed()
        }
        #expect(occurrences(of: "HTTP/1.1 ", in: text) == 1)
        #expect(text.hasSuffix("ok\n"))
        #expect(closed)
    }

    @Test("10,000 connections opened and dropped leave no file descriptor behind")
    func noDescriptorLeak() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let port = server.port
        // One warm-up round first, so descriptors the runtime opens once (lazily) are not counted.
        let churn: @Sendable (Range<Int>) -> Int = { rounds in
            var failures = 0
            for round in rounds {
                var clients: [RawClient] = []
                for index in 0..<100 {
                    guard let client = try? RawClient(port: port) else {
                        failures += 1
                        continue
                    }
                    // A mix: silent, half a request, a whole request, a request then a reset.
                    switch (round + index) % 4 {
                    case 1: client.send("GET /hea")
                    case 2: client.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
                    case 3:
                        var linger = linger(l_onoff: 1, l_linger: 0)
                        setsockopt(client.fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<linger>.size))
                        client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\npartial")
                    default: break
                    }
                    clients.append(client)
                }
                clients.removeAll()
            }
            return failures
        }
        _ = try await blocking { churn(0..<1) }
        #expect(await eventually { server.server.openConnections == 0 })
        let before = serverSocketDescriptors(port: port)
        #expect(before == 0)
        let (failures, during) = try await blocking { () -> (Int, Int) in
            let failures = churn(0..<99)
            // The last round keeps its clients open while counting, to show the count sees them.
            let held = (0..<100).compactMap { _ in try? RawClient(port: port) }
            // Wait (on this thread of its own) until the server has accepted every held client.
            let deadline = Date().addingTimeInterval(TestSupport.hangTimeout)
            var open = serverSocketDescriptors(port: port)
            while open != held.count && Date() < deadline {
                usleep(20_000)
                open = serverSocketDescriptors(port: port)
            }
            return (failures + 100 - held.count, open)
        }
        #expect(during == 100, "the server's sockets are visible while clients hold them")
        #expect(failures == 0)
        #expect(await eventually { server.server.acceptedConnections >= 10_100 - failures })
        #expect(
            await eventually { server.server.openConnections == 0 },
            "open: \(server.server.openConnections), accepted \(server.server.acceptedConnections)")
        #expect(
            await eventually { serverSocketDescriptors(port: port) == 0 },
            "server sockets still open: \(serverSocketDescriptors(port: port))")
    }

    @Test("connections past maxConnections are closed at once while the others keep working")
    func connectionLimit() async throws {
        let server = try TestServer { $0.maxConnections = 2 }
        defer { server.stop() }
        let (third, kept) = try await blocking {
            let first = try RawClient(port: server.port)
            let second = try RawClient(port: server.port)
            first.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            second.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            _ = first.receive(until: "ok\n")
            _ = second.receive(until: "ok\n")
            let extra = try RawClient(port: server.port)
            let third = extra.receiveUntilClosed()
            first.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            return (third, first.receive(until: "ok\n"))
        }
        #expect(third.closed && third.text.isEmpty)
        #expect(kept.hasSuffix("ok\n"))
    }
}
