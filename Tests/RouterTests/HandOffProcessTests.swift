import EdgeRuntime
import Foundation
import TestSupport
import Testing

/// Objects moving between live hosts, and streams whose client leaves.
@Suite(.serialized) struct HandOffProcessTests {
    static let probe = "/objects/RuntimeProbe/"

    @Test func aJoiningHostTakesItsObjectsWithACleanHandOff() async throws {
        let world = try await RuntimeWorld(hosts: [1])
        defer { world.cleanUp() }
        let id = (0..<1000).map { "moves-\($0)" }.first { Placement.owner(of: $0, among: [1, 2]) == 2 }!
        let stays = (0..<1000).map { "stays-\($0)" }.first { Placement.owner(of: $0, among: [1, 2]) == 1 }!
        for expected in 1...2 {
            let answer = try await HTTP.post(world.url + Self.probe + id + "/count")
            #expect(reportedHost(answer.body) == 1 && reportedInt("count", answer.body) == expected, "\(answer.body)")
        }
        _ = try await HTTP.post(world.url + Self.probe + stays + "/count")
        try world.startHost(2)
        #expect(await eventuallyAnswers { (try? await world.liveHosts()) == 2 }, "\(world.logs)")
        let moved = try await HTTP.post(world.url + Self.probe + id + "/count")
        #expect(moved.status == 200, "\(moved.body)\n\(world.logs)")
        #expect(reportedHost(moved.body) == 2, "\(moved.body)")
        #expect(reportedInt("count", moved.body) == 3, "the old host's writes are all there: \(moved.body)")
        #expect(reportedInt("activations", moved.body) == 2, "\(moved.body)")
        let stayed = try await HTTP.post(world.url + Self.probe + stays + "/count")
        #expect(reportedHost(stayed.body) == 1, "an object that still hashes to host 1 does not move: \(stayed.body)")
        #expect(reportedInt("activations", stayed.body) == 1, "\(stayed.body)")
        await world.stop()
    }

    @Test func aClientLeavingAStreamCancelsItOnTheHost() async throws {
        let world = try await RuntimeWorld(hosts: [1])
        defer { world.cleanUp() }
        let held = try HeldStream(port: world.port, path: Self.probe + "leaver/stream?chunks=0&interval=20")
        #expect(try await blocking { held.read(until: "data: 2") }, "\(held.received)")
        // Asked until the host's counters are on the page: the router waits only a second for
        // them, which a loaded machine may miss once.
        let open = await eventuallyAnswers {
            (try? await HTTP.get(world.url + "/metrics"))?.body.contains(#"schwab_mcp_host_active_streams{host="1"} 1"#)
                == true
        }
        #expect(open, "the host counts the open stream\n\(world.logs)")
        held.hangUp()
        let closed = await eventuallyAnswers {
            (try? await HTTP.get(world.url + "/metrics"))?.body.contains(#"schwab_mcp_host_active_streams{host="1"} 0"#)
                == true
        }
        #expect(closed, "the host's stream ends when the client leaves\n\(world.logs)")
        await world.stop()
    }

    @Test func aSlowClientDoesNotHoldUpAnotherOnTheSameHost() async throws {
        let world = try await RuntimeWorld(hosts: [1])
        defer { world.cleanUp() }
        // A client that never reads an endless stream of 1 ms events: its host stream fills its
        // credit and stops, while another client's requests to another object keep being answered.
        let stalled = try HeldStream(port: world.port, path: Self.probe + "stalled/stream?chunks=0&interval=1")
        #expect(try await blocking { stalled.read(until: "data: 0") })
        for n in 0..<20 {
            let answer = try await HTTP.get(world.url + Self.probe + "brisk/count")
            #expect(answer.status == 200 && reportedInt("count", answer.body) == n + 1, "\(answer.body)")
        }
        #expect(try await blocking { stalled.read(until: "data: 500") }, "the stalled stream resumes when read")
        stalled.hangUp()
        await world.stop()
    }

    @Test func aRestartedHostIsFoundAgainAndItsObjectsComeBackToIt() async throws {
        let world = try await RuntimeWorld(hosts: [1, 2])
        defer { world.cleanUp() }
        let id = (0..<1000).map { "returns-\($0)" }.first { Placement.owner(of: $0, among: [1, 2]) == 1 }!
        #expect(reportedHost(try await HTTP.post(world.url + Self.probe + id + "/count").body) == 1)
        try await world.killHost(1)
        let moved = try await HTTP.post(world.url + Self.probe + id + "/count")
        #expect(reportedHost(moved.body) == 2 && reportedInt("count", moved.body) == 2, "\(moved.body)")
        try world.startHost(1)
        #expect(await eventuallyAnswers { (try? await world.liveHosts()) == 2 }, "\(world.logs)")
        let back = try await HTTP.post(world.url + Self.probe + id + "/count")
        #expect(back.status == 200, "\(back.body)\n\(world.logs)")
        #expect(reportedHost(back.body) == 1, "host 2 handed the object back: \(back.body)")
        #expect(reportedInt("count", back.body) == 3, "\(back.body)")
        #expect(reportedInt("activations", back.body) == 3, "\(back.body)")
        await world.stop()
    }

    @Test func aDrainingHostsObjectsMoveWithoutAnError() async throws {
        let world = try await RuntimeWorld(hosts: [1, 2])
        defer { world.cleanUp() }
        let ids = (0..<1000).map { "drained-\($0)" }.filter { Placement.owner(of: $0, among: [1, 2]) == 1 }.prefix(5)
        for id in ids { _ = try await HTTP.post(world.url + Self.probe + id + "/count") }
        #expect(await world.terminateHost(1) == 0, "the host drains and exits 0")
        for id in ids {
            let answer = try await HTTP.post(world.url + Self.probe + id + "/count")
            #expect(answer.status == 200, "\(answer.body)")
            #expect(reportedHost(answer.body) == 2 && reportedInt("count", answer.body) == 2, "\(answer.body)")
        }
        let metrics = try await HTTP.get(world.url + "/metrics")
        #expect(metrics.body.contains("schwab_mcp_router_failovers_total 0"), "a drain is not a failure: \(world.logs)")
        await world.stop()
    }
}
