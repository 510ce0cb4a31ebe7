import EdgeCore
import EdgeHTTP
import EdgeRuntime
import Foundation
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `schwab-mcp host` as a real process, with a real `schwab-mcp kv`, driven over its socket the
/// way the router drives it.
@Suite(.realWorld) struct SessionHostProcessTests {
    @Test func aRoutedRequestReachesItsObjectOnTheHostWithTheRoutersProps() async throws {
        let world = try await HostWorld()
        try await world.startHost(1)
        let router = try world.connect(1)
        let first = try await probe(router, "alice")
        #expect(first.status == .ok)
        #expect(first.string("host") == "host-1")
        #expect(first.int("count") == 1)
        #expect(first.int("activations") == 1)
        #expect(first.json["props"]?["userId"]?.stringValue == "alice")
        #expect(first.headers["Content-Length"] == String(first.body.count))
        let second = try await probe(router, "alice")
        #expect(second.int("count") == 2)
        #expect(second.int("activations") == 1, "the live object served the second event")
        let other = try await probe(router, "bob")
        #expect(other.int("count") == 1, "each object has its own storage")
        let status = try await hostStatus(router)
        #expect(status.int("liveObjects") == 2)
        #expect(status.int("pid") == Int(world.hosts[1]?.pid ?? -1))
        #expect(
            await router.ping(timeout: .seconds(TestSupport.hangTimeout)) != nil,
            "the host answers the router's health ping")
        router.close()
    }

    @Test func aReconnectingClientRunsOnReconnectOnTheLiveObjectOnly() async throws {
        let world = try await HostWorld()
        try await world.startHost(1)
        let router = try world.connect(1)
        let fresh = try await probe(router, "kim", flags: .reconnect)
        #expect(fresh.int("reconnects") == 0, "a fresh activation restores in initialize, not onReconnect")
        let back = try await probe(router, "kim", flags: .reconnect)
        #expect(back.int("reconnects") == 1)
        #expect(back.int("count") == 2)
        router.close()
    }

    @Test func eventsForOneObjectNeverOverlapWhileObjectsRunInParallel() async throws {
        let world = try await HostWorld()
        try await world.startHost(1)
        let router = try world.connect(1)
        let answers = try await withThrowingTaskGroup(of: (String, ProbeAnswer).self) { group in
            for n in 0..<40 {
                let id = n % 4 == 0 ? "other-\(n)" : "shared"
                group.addTask { (id, try await probe(router, id, "/count?sleep=3")) }
            }
            var all: [(String, ProbeAnswer)] = []
            for try await answer in group { all.append(answer) }
            return all
        }
        #expect(answers.allSatisfy { $0.1.status == .ok })
        // 30 read-then-write increments: any interleaving would repeat a count or raise maxInFlight.
        let sharedCounts = answers.filter { $0.0 == "shared" }.compactMap { $0.1.int("count") }
        #expect(sharedCounts.sorted() == Array(1...30))
        #expect(answers.filter { $0.0 != "shared" }.allSatisfy { $0.1.int("count") == 1 })
        let shared = try await probe(router, "shared", "/state")
        #expect(shared.int("count") == 30)
        #expect(shared.int("maxInFlight") == 1)
        router.close()
    }

    @Test func anIdleObjectIsEvictedAndReactivatesWithItsStorage() async throws {
        let world = try await HostWorld()
        try await world.startHost(1, extra: ["--idle-timeout", "1s"])
        let router = try world.connect(1)
        #expect(try await probe(router, "carol").int("count") == 1)
        // The object stays live after its call until the idle timer evicts it. The host child
        // reads the system clock, so a loaded machine may already be past the one-second timeout
        // here: the check allows exactly that and nothing else (SessionHostIdleTests checks the
        // boundary itself on the same server code, with a clock the test moves).
        let afterCall = try await hostStatus(router)
        #expect(
            (afterCall.int("liveObjects") ?? -1) + (afterCall.int("evictions") ?? -1) == 1,
            "live, or evicted by the idle timer: \(afterCall.json)")
        let evicted = await eventuallyAsync { try await hostStatus(router).int("liveObjects") == 0 }
        #expect(evicted, "the object was not evicted after its idle timeout")
        let again = try await probe(router, "carol")
        #expect(again.int("count") == 2, "storage survived the eviction")
        #expect(again.int("activations") == 2, "the next event re-activated the object")
        let status = try await hostStatus(router)
        #expect(status.int("evictions") == 1 && status.int("activations") == 2, "the host's own counters agree")
        router.close()
    }

    @Test func anOpenStreamKeepsItsObjectLiveAndARouterCancelEndsIt() async throws {
        let world = try await HostWorld()
        try await world.startHost(1, extra: ["--idle-timeout", "1s"])
        let router = try world.connect(1)
        let head = RuntimeRequestHead(
            head: HTTPRequestHead(method: .get, target: "/stream?chunks=0&interval=20"), objectClass: "RuntimeProbe",
            objectID: "dave", props: ["userId": "dave"])
        let stream = try await router.send(head, body: [])
        let response = try await stream.responseHead()
        #expect(response.status == .ok)
        #expect(response.headers["Content-Length"] == nil)
        var text = ""
        while !text.contains("data: 2\n\n"), let chunk = try await stream.readChunk() {
            text += String(decoding: chunk, as: UTF8.self)
        }
        #expect(text.hasPrefix("data: 0\n\ndata: 1\n\n"))
        // Past the idle timeout, shown by an event rather than a sleep: an object called after the
        // stream's event ended (so idle for less time than dave) is evicted, so a maintenance pass
        // ran with dave idle past its timeout too, and only the open stream kept dave live.
        let neighbour = "dave-neighbour"
        #expect(try await probe(router, neighbour).int("count") == 1)
        let neighbourName = ObjectAddress(className: "RuntimeProbe", id: neighbour).description
        let passed = await eventuallyAsync {
            let objects = try await hostStatus(router).json["objects"]?.arrayValue?.compactMap(\.stringValue)
            return objects.map { !$0.contains(neighbourName) } ?? false
        }
        #expect(passed, "the idle neighbour was not evicted")
        #expect(try await hostStatus(router).int("liveObjects") == 1)
        #expect(try await hostStatus(router).int("activeStreams") == 1)
        stream.cancel(code: RuntimeCancel.clientGone, message: "client left")
        let ended = await eventuallyAsync { try await hostStatus(router).int("activeStreams") == 0 }
        #expect(ended, "the object's stream body did not see the cancel")
        router.close()
    }

    @Test func aClientThatStopsReadingStopsItsObjectsStreamWriterThroughTheHost() async throws {
        let world = try await HostWorld()
        try await world.startHost(1)
        let router = try world.connect(1)
        let head = RuntimeRequestHead(
            head: HTTPRequestHead(method: .get, target: "/stream?chunks=0&interval=0"), objectClass: "RuntimeProbe",
            objectID: "leo")
        let stream = try await router.send(head, body: [])
        _ = try await stream.responseHead()
        // Nothing is read: the writer may fill the 256 KiB window plus the 64 KiB watermark, then
        // must wait. Without credit it would write megabytes in this time.
        #expect(await eventuallyAsync { try await probe(router, "leo", "/state").int("streamedBytes") ?? 0 > 200_000 })
        try await Task.sleep(for: .milliseconds(500))
        let stalled = try await probe(router, "leo", "/state").int("streamedBytes") ?? 0
        #expect(stalled <= 256 * 1024 + 64 * 1024 + 64)
        // Reading lets it go on.
        var read = 0
        while read < 2 * stalled, let chunk = try await stream.readChunk() { read += chunk.count }
        #expect(try await probe(router, "leo", "/state").int("streamedBytes") ?? 0 > stalled)
        stream.cancel(code: RuntimeCancel.clientGone)
        router.close()
    }

    @Test func aStreamCancelledBeforeItsAnswerStillLetsTheObjectGoIdle() async throws {
        let world = try await HostWorld()
        try await world.startHost(1, extra: ["--idle-timeout", "1s"])
        let router = try world.connect(1)
        let head = RuntimeRequestHead(
            head: HTTPRequestHead(method: .get, target: "/stream?chunks=0&sleep=300"), objectClass: "RuntimeProbe",
            objectID: "mia")
        let stream = try await router.send(head, body: [])
        // The event is running (the object is live, sleeping before it answers) when the client leaves.
        #expect(await eventuallyAsync { try await hostStatus(router).int("liveObjects") == 1 })
        stream.cancel(code: RuntimeCancel.clientGone, message: "left before the answer")
        // The object answers after the cancel; the host must still run (and so end) its stream
        // body, or the object would count an open stream forever and never be evicted.
        let evicted = await eventuallyAsync { try await hostStatus(router).int("liveObjects") == 0 }
        #expect(evicted)
        #expect(try await hostStatus(router).int("activeStreams") == 0)
        router.close()
    }
}
