import EdgeRuntime
import Foundation
import TestSupport
import Testing

/// Hosts dying under the router: SIGKILL while a client holds a stream, and concurrent requests
/// while the objects move.
@Suite(.serialized) struct FailoverProcessTests {
    static let probe = "/objects/RuntimeProbe/"

    /// An object id the rendezvous ranking among `hosts` gives to `host`.
    static func id(ownedBy host: Int, among hosts: [Int], prefix: String, skip: Int = 0) -> String {
        (0..<10_000).map { "\(prefix)-\($0)" }.filter { Placement.owner(of: $0, among: hosts) == host }[skip]
    }

    @Test func aHostKilledMidStreamEndsTheStreamAndTheNextRequestSucceedsElsewhereWithStorageIntact() async throws {
        let world = try await RuntimeWorld(hosts: [1, 2])
        defer { world.cleanUp() }
        let id = Self.id(ownedBy: 1, among: [1, 2], prefix: "held")
        for expected in 1...3 {
            let answer = try await HTTP.post(world.url + Self.probe + id + "/count")
            #expect(reportedInt("count", answer.body) == expected, "\(answer.body)")
            #expect(reportedHost(answer.body) == 1)
        }
        let held = try HeldStream(port: world.port, path: Self.probe + id + "/stream?chunks=0&interval=50")
        #expect(try await blocking { held.read(until: "data: 1") }, "the stream flows: \(held.received)")
        try await world.killHost(1)
        #expect(try await blocking { held.readToEnd() }, "the client's stream ends when its host dies")
        let next = try await HTTP.post(world.url + Self.probe + id + "/count")
        #expect(next.status == 200, "\(next.body)\n\(world.logs)")
        #expect(reportedHost(next.body) == 2, "\(next.body)")
        #expect(reportedInt("count", next.body) == 4, "storage survived the move: \(next.body)")
        #expect(reportedInt("activations", next.body) == 2, "\(next.body)")
        await world.stop()
    }

    @Test func concurrentRequestsDuringFailoverNeverActivateAnObjectTwice() async throws {
        let world = try await RuntimeWorld(hosts: [1, 2, 3])
        defer { world.cleanUp() }
        let ids = (0..<4).map { Self.id(ownedBy: 1, among: [1, 2, 3], prefix: "moving", skip: $0) }
        for id in ids {
            let first = try await HTTP.post(world.url + Self.probe + id + "/count")
            #expect(reportedHost(first.body) == 1 && reportedInt("activations", first.body) == 1, "\(first.body)")
        }
        try await world.killHost(1)
        let script = """
            import http.client, sys, threading
            port, ids = int(sys.argv[1]), sys.argv[2:]
            results = []
            def hit(object_id):
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                c.request("POST", "/objects/RuntimeProbe/%s/count" % object_id)
                r = c.getresponse()
                results.append("%s %d" % (object_id, r.status))
                r.read()
            threads = [threading.Thread(target=hit, args=(i,)) for i in ids for _ in range(8)]
            for t in threads: t.start()
            for t in threads: t.join()
            print("\\n".join(results))
            """
        let output = try await python(script, [String(world.port)] + ids)
        let statuses = output.split(separator: "\n").map { $0.split(separator: " ").last.map(String.init) ?? "" }
        #expect(statuses.count == 32)
        #expect(statuses.allSatisfy { $0 == "200" }, "\(output)\n\(world.logs)")
        for id in ids {
            let state = try await HTTP.get(world.url + Self.probe + id + "/state")
            #expect(reportedInt("activations", state.body) == 2, "one activation on the new host only: \(state.body)")
            #expect(reportedInt("count", state.body) == 9, "no increment lost or doubled: \(state.body)")
            #expect(reportedInt("maxInFlight", state.body) == 1, "events never overlapped: \(state.body)")
            #expect(reportedHost(state.body) == Placement.owner(of: id, among: [2, 3]))
        }
        await world.stop()
    }
}
