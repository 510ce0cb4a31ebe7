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

/// Who owns an object across host processes: leases, drains and failover, with real `kv` and
/// `host` children.
@Suite(.realWorld) struct SessionHostOwnershipTests {
    @Test func sigtermWithAnOpenStreamSendsGoAwayClosesItAfterTheGraceAndExitsZero() async throws {
        let world = try await HostWorld()
        let config = world.folder.appendingPathComponent("wrangler.toml")
        try Data("name = \"host-drain-test\"\n[runtime]\nshutdown_grace = \"1s\"\n".utf8).write(to: config)
        // Ten-minute leases: far longer than any wait below, so only the drain's release lets
        // host 2 in.
        try await world.startHost(1, extra: ["--config", config.path, "--lease-ttl", "600"])
        try await world.startHost(2, extra: ["--config", config.path, "--lease-ttl", "600"])
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
        // The lease is released at the start of the drain, just after the goAway: host 2 takes
        // the object over as soon as that release lands in kv (asked until it has, since the
        // goAway can arrive first), long before the ten-minute lease would have expired.
        let movedEarly = await eventuallyAsync { try await probe(two, "nina").string("host") == "host-2" }
        #expect(movedEarly, "host 2 took nina over during host 1's drain")
        // The open stream ends when the grace runs out, and the host exits cleanly.
        await #expect(throws: RuntimeTransportError.self) { while try await stream.readChunk() != nil {} }
        #expect(try await world.exitStatus(of: 1) == 0)
        two.close()
    }

    @Test func aHostThatDoesNotHoldTheLeaseAnswersNotOwner() async throws {
        let world = try await HostWorld()
        try await world.startHost(1, extra: ["--lease-ttl", "600"])
        try await world.startHost(2, extra: ["--lease-ttl", "600"])
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
        // Ten-minute leases: only an explicit release lets host 2 in before the test ends.
        try await world.startHost(1, extra: ["--lease-ttl", "600"])
        try await world.startHost(2, extra: ["--lease-ttl", "600"])
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
        try await world.startHost(1, extra: ["--lease-ttl", "600"])
        try await world.startHost(2, extra: ["--lease-ttl", "600"])
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
