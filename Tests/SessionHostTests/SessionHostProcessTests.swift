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
        #expect(await router.ping(timeout: .seconds(5)) != nil, "the host answers the router's health ping")
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
        #expect(try await hostStatus(router).int("liveObjects") == 1)
        let evicted = await eventuallyAsync { try await hostStatus(router).int("liveObjects") == 0 }
        #expect(evicted, "the object was not evicted after its idle timeout")
        let again = try await probe(router, "carol")
        #expect(again.int("count") == 2, "storage survived the eviction")
        #expect(again.int("activations") == 2, "the next event re-activated the object")
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
        // Longer than the idle timeout: the open stream must keep the object live.
        try await Task.sleep(for: .milliseconds(1500))
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

    @Test func sigtermWithAnOpenStreamSendsGoAwayClosesItAfterTheGraceAndExitsZero() async throws {
        let world = try await HostWorld()
        let config = world.folder.appendingPathComponent("wrangler.toml")
        try Data("name = \"host-drain-test\"\n[runtime]\nshutdown_grace = \"1s\"\n".utf8).write(to: config)
        try await world.startHost(1, extra: ["--config", config.path, "--lease-ttl", "60"])
        try await world.startHost(2, extra: ["--config", config.path, "--lease-ttl", "60"])
        let goAways = Locked<[String]>([])
        let one = try RuntimeConnection.connect(
            path: world.socket("host-1"), loop: world.loop,
            callbacks: .init(onGoAway: { _, message in goAways.withLock { $0.append(message) } }))
        let two = try world.connect(2)
        let head = RuntimeRequestHead(
            head: HTTPRequestHead(method: .get, target: "/stream?chunks=0&interval=20"), objectClass: "RuntimeProbe",
            objectID: "nina")
        let stream = try await one.send(head, body: [])
        _ = try await stream.responseHead()
        _ = try await stream.readChunk()
        world.hosts[1]?.signal(SIGTERM)
        #expect(await eventually { !goAways.withLock { $0 }.isEmpty })
        #expect(goAways.withLock { $0 }.first?.contains("host-1") == true)
        let refused = await #expect(throws: RuntimeTransportError.self) { try await one.openStream(head) }
        #expect(refused?.code == .goingAway)
        // The lease was released at the start of the drain: host 2 takes the object over now,
        // long before the 60-second lease would have expired.
        #expect(try await probe(two, "nina").string("host") == "host-2")
        // The open stream ends when the grace runs out, and the host exits cleanly.
        await #expect(throws: RuntimeTransportError.self) { while try await stream.readChunk() != nil {} }
        #expect(try await world.exitStatus(of: 1) == 0)
        two.close()
    }

    @Test func aHostThatDoesNotHoldTheLeaseAnswersNotOwner() async throws {
        let world = try await HostWorld()
        try await world.startHost(1, extra: ["--lease-ttl", "60"])
        try await world.startHost(2, extra: ["--lease-ttl", "60"])
        let one = try world.connect(1)
        let two = try world.connect(2)
        #expect(try await probe(one, "erin").int("count") == 1)
        let refused = await #expect(throws: RuntimeTransportError.self) { try await probe(two, "erin") }
        #expect(refused?.cancelCode == RuntimeCancel.notOwner)
        #expect(refused?.message.contains("erin") == true)
        #expect(try await probe(one, "erin").int("count") == 2, "the owner still serves it")
        one.close()
        two.close()
    }

    @Test func sigtermDrainsAndReleasesLeasesSoAnotherHostTakesOverAtOnce() async throws {
        let world = try await HostWorld()
        // 60-second leases: only an explicit release lets host 2 in before the test ends.
        try await world.startHost(1, extra: ["--lease-ttl", "60"])
        try await world.startHost(2, extra: ["--lease-ttl", "60"])
        let one = try world.connect(1)
        let two = try world.connect(2)
        #expect(try await probe(one, "frank").int("count") == 1)
        #expect(try await probe(one, "grace").int("count") == 1)
        let status = try await world.stopHost(1)
        #expect(status == 0)
        #expect(await eventually { one.isClosed })
        #expect(!FileManager.default.fileExists(atPath: world.socket("host-1")), "the socket file is removed")
        let moved = try await probe(two, "frank")
        #expect(moved.string("host") == "host-2")
        #expect(moved.int("count") == 2, "storage moved with the object")
        #expect(moved.int("activations") == 2)
        #expect(try await probe(two, "grace").int("count") == 2)
        two.close()
    }

    @Test func afterSIGKILLTheRoutersPresumedDeadListLetsTheNextHostTakeOverWithStorageIntact() async throws {
        let world = try await HostWorld()
        try await world.startHost(1, extra: ["--lease-ttl", "60"])
        try await world.startHost(2, extra: ["--lease-ttl", "60"])
        let one = try world.connect(1)
        let two = try world.connect(2)
        for _ in 0..<3 { _ = try await probe(one, "heidi") }
        let stream = try await one.send(
            RuntimeRequestHead(
                head: HTTPRequestHead(method: .get, target: "/stream?chunks=0"), objectClass: "RuntimeProbe",
                objectID: "heidi"), body: [])
        _ = try await stream.responseHead()
        _ = try await world.stopHost(1, signal: SIGKILL)
        await #expect(throws: RuntimeTransportError.self) {
            while try await stream.readChunk() != nil {}
        }
        let early = await #expect(throws: RuntimeTransportError.self) { try await probe(two, "heidi") }
        #expect(early?.cancelCode == RuntimeCancel.notOwner, "the dead host's lease still stands")
        let told = try await probe(
            two, "", "/presumed-dead", objectClass: "_runtime", body: Array(#"["host-1"]"#.utf8))
        #expect(told.status == .ok)
        let moved = try await probe(two, "heidi")
        #expect(moved.string("host") == "host-2")
        #expect(moved.int("count") == 4, "every acknowledged increment survived the kill")
        two.close()
    }
}

/// Bad input to the host: a clear answer, nothing lost.
@Suite(.realWorld) struct SessionHostInputTests {
    @Test func unknownClassesAndMalformedControlRequestsGetClearErrors() async throws {
        let world = try await HostWorld()
        try await world.startHost(1)
        let router = try world.connect(1)
        let unknown = try await probe(router, "ivan", objectClass: "NoSuchClass")
        #expect(unknown.status == .notFound)
        #expect(unknown.string("error") == "unknown_class")
        #expect(unknown.string("message")?.contains("RuntimeProbe") == true, "the message lists the known classes")
        let bad = try await probe(router, "", "/presumed-dead", objectClass: "_runtime", body: Array("host-1".utf8))
        #expect(bad.status == .badRequest)
        #expect(bad.string("error")?.contains("JSON array") == true)
        let missing = try await probe(router, "", "/release", objectClass: "_runtime")
        #expect(missing.status == .badRequest)
        // The connection and the objects carry on.
        #expect(try await probe(router, "ivan").int("count") == 1)
        router.close()
    }

    @Test func aSecondHostWithTheSameIdIsRefusedAndTheFirstKeepsServing() async throws {
        let world = try await HostWorld()
        try await world.startHost(3)
        let twin = try ChildProcess(
            ["host", "--id", "3", "--socket-dir", world.folder.path], logDirectory: world.folder)
        #expect(await eventually(timeout: 15) { !twin.isRunning })
        #expect(twin.process.terminationStatus == 1)
        #expect(twin.stderrText.contains("already listening"))
        let router = try world.connect(3)
        #expect(try await probe(router, "judy").string("host") == "host-3")
        router.close()
    }

    @Test(arguments: [
        (["host"], "--id N is required"),
        (["host", "--id", "x"], "--id"),
        (["host", "--id", "1", "--lease-ttl", "0"], "--lease-ttl"),
    ])
    func badFlagsStopTheHostWithAMessage(_ arguments: [String], _ expected: String) async throws {
        let folder = try TestSupport.temporaryDirectory("host-flags")
        defer { try? FileManager.default.removeItem(at: folder) }
        let child = try ChildProcess(arguments + ["--socket-dir", folder.path], logDirectory: folder)
        #expect(await eventually(timeout: 15) { !child.isRunning })
        #expect(child.process.terminationStatus == 2)
        #expect(child.stderrText.contains(expected))
    }
}

/// A value behind a `Mutex` that `@Sendable` closures can capture.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    /// Runs `body` with the value locked.
    func withLock<R: Sendable>(_ body: (inout sending Value) -> R) -> R { mutex.withLock { body(&$0) } }
}
