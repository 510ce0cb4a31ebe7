import EdgeHTTP
import EdgeKV
import TestSupport
import Testing

@testable import EdgeRuntime

/// Two hosts in one process sharing one real KV service: one live instance per object, clean
/// hand-off, takeover after expiry, and fenced storage.
@Suite("ObjectLease", .realWorld)
struct ObjectLeaseTests {
    /// A host on `clock`; by default a clock that never moves, so a lease expires only when a
    /// test moves time on purpose and never because a loaded machine was slow between two steps.
    func makeHost(
        _ kv: KVServiceChild, _ journal: ObjectJournal, id: String, clock: any RuntimeClock = ManualRuntimeClock()
    ) -> ObjectHost {
        ObjectHost(
            configuration: .init(hostID: id, namespace: "OBJECTS", leaseTTLMilliseconds: 3000),
            registry: RecordingObject.registry(journal), kv: kv.client, clock: clock)
    }

    @Test("two hosts hit with concurrent events for the same ids never both activate one")
    func singleActivation() async throws {
        let kv = try await KVServiceChild()
        let journal = ObjectJournal()
        // One clock for both hosts, standing still: a lease taken in the burst cannot run out
        // before the burst ends, however slowly the machine gets through it.
        let clock = ManualRuntimeClock()
        let hosts = [
            makeHost(kv, journal, id: "host-1", clock: clock), makeHost(kv, journal, id: "host-2", clock: clock),
        ]
        let ids = (0..<10).map { "user-\($0)" }
        let outcomes = await withTaskGroup(of: (String, String, String?).self) { group in
            for round in 0..<8 {
                for id in ids {
                    for host in hosts {
                        group.addTask {
                            do {
                                _ = try await host.dispatch(recorderRequest(id, "/count", label: "\(round)"))
                                return (id, host.configuration.hostID, nil)
                            } catch {
                                return (
                                    id, host.configuration.hostID,
                                    (error as? ObjectHostError)?.code.rawValue ?? "\(error)"
                                )
                            }
                        }
                    }
                }
            }
            return await group.reduce(into: [(String, String, String?)]()) { $0.append($1) }
        }
        for id in ids {
            #expect(journal.initializations(id) == 1, "\(id) was activated \(journal.initializations(id)) times")
            let served = Set(outcomes.filter { $0.0 == id && $0.2 == nil }.map { $0.1 })
            #expect(served.count == 1, "\(id) was served by \(served)")
            let refusals = outcomes.filter { $0.0 == id && $0.2 != nil }
            #expect(refusals.allSatisfy { $0.2 == "not_owner" && !served.contains($0.1) })
        }
        #expect(journal.maximumInFlight == 1)
        for host in hosts { await host.shutdown() }
    }

    @Test("after a release the other host activates the object and sees its storage")
    func handOff() async throws {
        let kv = try await KVServiceChild()
        let journal = ObjectJournal()
        // Time stands still: host 2 is refused because host 1 holds the lease, never because it
        // just ran out on a slow machine.
        let clock = ManualRuntimeClock()
        let (one, two) = (
            makeHost(kv, journal, id: "host-1", clock: clock), makeHost(kv, journal, id: "host-2", clock: clock)
        )
        let address = ObjectAddress(className: "Recorder", id: "ivy")
        #expect(try await one.dispatch(recorderRequest("ivy", "/count")).text == "1")
        await #expect(throws: ObjectHostError.self) { try await two.dispatch(recorderRequest("ivy", "/count")) }
        await one.release(address)
        #expect(one.liveObjects.isEmpty)
        #expect(try await two.dispatch(recorderRequest("ivy", "/count")).text == "2")
        #expect(journal.record.withLock { $0.initializedOn["ivy"] } == ["host-1", "host-2"])
        for host in [one, two] { await host.shutdown() }
    }

    @Test("once a lease expires another host takes over with the storage intact, and the old host is refused")
    func takeoverAfterExpiry() async throws {
        let kv = try await KVServiceChild()
        let journal = ObjectJournal()
        let clock = ManualRuntimeClock()
        let (one, two) = (
            makeHost(kv, journal, id: "host-1", clock: clock), makeHost(kv, journal, id: "host-2", clock: clock)
        )
        #expect(try await one.dispatch(recorderRequest("jo", "/count")).text == "1")
        clock.advance(milliseconds: 2999)
        await #expect(throws: ObjectHostError.self) { try await two.dispatch(recorderRequest("jo", "/count")) }
        clock.advance(milliseconds: 1)
        #expect(try await two.dispatch(recorderRequest("jo", "/count")).text == "2")
        do {
            _ = try await one.dispatch(recorderRequest("jo", "/count"))
            Issue.record("the old holder must not serve the object any more")
        } catch {
            #expect(error.code == .notOwner)
        }
        #expect(one.liveObjects.isEmpty)
        #expect(try await two.dispatch(recorderRequest("jo", "/count")).text == "3")
        for host in [one, two] { await host.shutdown() }
    }

    @Test("a host presumed dead loses its objects at once; if it was alive after all, it is refused")
    func presumedDeadTakeover() async throws {
        let kv = try await KVServiceChild()
        let journal = ObjectJournal()
        let clock = ManualRuntimeClock()
        let (one, two) = (
            makeHost(kv, journal, id: "host-1", clock: clock), makeHost(kv, journal, id: "host-2", clock: clock)
        )
        #expect(try await one.dispatch(recorderRequest("liz", "/count")).text == "1")
        await #expect(throws: ObjectHostError.self) { try await two.dispatch(recorderRequest("liz", "/count")) }
        two.setPresumedDead(["host-1"])
        #expect(try await two.dispatch(recorderRequest("liz", "/count")).text == "2")
        // host-1 was not dead: at its next renewal it learns the lease moved and stops.
        clock.advance(milliseconds: 1000)
        #expect(await one.renewLeases() == [ObjectAddress(className: "Recorder", id: "liz")])
        await #expect(throws: ObjectHostError.self) { try await one.dispatch(recorderRequest("liz", "/count")) }
        #expect(try await two.dispatch(recorderRequest("liz", "/count")).text == "3")
        for host in [one, two] { await host.shutdown() }
    }

    @Test("renewals keep a lease alive past its TTL, so no other host can take it")
    func renewalKeepsLease() async throws {
        let kv = try await KVServiceChild()
        let journal = ObjectJournal()
        let clock = ManualRuntimeClock()
        let (one, two) = (
            makeHost(kv, journal, id: "host-1", clock: clock), makeHost(kv, journal, id: "host-2", clock: clock)
        )
        _ = try await one.dispatch(recorderRequest("kim", "/count"))
        for _ in 0..<10 {
            clock.advance(milliseconds: 1000)
            #expect(await one.renewLeases().isEmpty)
        }
        await #expect(throws: ObjectHostError.self) { try await two.dispatch(recorderRequest("kim", "/count")) }
        #expect(try await one.dispatch(recorderRequest("kim", "/count")).text == "2")
        for host in [one, two] { await host.shutdown() }
    }

    @Test("a stale holder's storage write is refused by the fencing token")
    func fencedWrite() async throws {
        let kv = try await KVServiceChild()
        let address = ObjectAddress(className: "Recorder", id: "lee")
        let staleClock = ManualRuntimeClock()
        let laterClock = ManualRuntimeClock()
        let keeperA = ObjectLeaseKeeper(kv: kv.client, namespace: "OBJECTS", holder: "host-1", clock: staleClock)
        let keeperB = ObjectLeaseKeeper(kv: kv.client, namespace: "OBJECTS", holder: "host-2", clock: laterClock)
        let leaseA = try await keeperA.acquire(address)
        let storageA = ObjectStorage(lease: leaseA, kv: kv.client, namespace: "OBJECTS", clock: staleClock)
        try await storageA.put("k", Array("from A".utf8))

        // B's clock is past A's expiry; A's clock is not, so A still believes its lease is valid.
        laterClock.advance(milliseconds: 3000)
        let leaseB = try await keeperB.acquire(address)
        #expect(leaseB.token > leaseA.token)
        let storageB = ObjectStorage(lease: leaseB, kv: kv.client, namespace: "OBJECTS", clock: laterClock)
        try await storageB.put("k", Array("from B".utf8))

        do {
            try await storageA.put("k", Array("stale".utf8))
            Issue.record("the stale write was accepted")
        } catch {
            #expect(error.code == .fenced)
        }
        try await storageB.delete("k")
        await #expect(throws: ObjectHostError.self) { try await storageA.put("k", Array("stale again".utf8)) }
        #expect(try await storageB.get("k") == nil)
        #expect(try await keeperA.currentHolder(of: address)?.holder == "host-2")
    }

    @Test("a write after the lease expired by the holder's own clock is refused without reaching KV")
    func expiredLeaseRefusesWrites() async throws {
        let kv = try await KVServiceChild()
        let clock = ManualRuntimeClock()
        let keeper = ObjectLeaseKeeper(kv: kv.client, namespace: "OBJECTS", holder: "host-1", clock: clock)
        let lease = try await keeper.acquire(ObjectAddress(className: "Recorder", id: "max"))
        let storage = ObjectStorage(lease: lease, kv: kv.client, namespace: "OBJECTS", clock: clock)
        clock.advance(milliseconds: 3000)
        await #expect(throws: ObjectHostError.self) { try await storage.put("k", [1]) }
        try await keeper.renew(lease)
        try await storage.put("k", [1])
        #expect(try await storage.get("k") == [1])
    }

    @Test("a released lease keeps its version growing, so tokens never repeat")
    func tokensGrow() async throws {
        let kv = try await KVServiceChild()
        let keeper = ObjectLeaseKeeper(
            kv: kv.client, namespace: "OBJECTS", holder: "host-1", clock: ManualRuntimeClock())
        let address = ObjectAddress(className: "Recorder", id: "ned")
        var tokens: [UInt64] = []
        for _ in 0..<4 {
            let lease = try await keeper.acquire(address)
            tokens.append(lease.token)
            try await keeper.release(lease)
            #expect(try await keeper.currentHolder(of: address) == nil)
        }
        #expect(tokens == tokens.sorted() && Set(tokens).count == 4)
    }
}

/// Storage refuses writes once its lease expired by its own clock, so these tests use a clock
/// that never moves: a three-second lease must not run out between two steps of a slow machine.
@Suite("ObjectStorage", .realWorld)
struct ObjectStorageTests {
    @Test("get, put, delete and list stay inside the object's prefix and skip deleted keys")
    func crud() async throws {
        let kv = try await KVServiceChild()
        let clock = ManualRuntimeClock()
        let keeper = ObjectLeaseKeeper(kv: kv.client, namespace: "OBJECTS", holder: "host-1", clock: clock)
        let one = try await keeper.acquire(ObjectAddress(className: "Recorder", id: "a"))
        // "a:" would collide with a naive "<class>:<id>:" prefix scheme for the id "a:b".
        let two = try await keeper.acquire(ObjectAddress(className: "Recorder", id: "a:b"))
        let storage = ObjectStorage(lease: one, kv: kv.client, namespace: "OBJECTS", clock: clock)
        let other = ObjectStorage(lease: two, kv: kv.client, namespace: "OBJECTS", clock: clock)
        try await storage.put("b:x", [1])
        try await storage.put("session:1", [2])
        try await storage.put("session:2", [3])
        try await other.put("x", [9])
        try await storage.delete("session:1")
        try await storage.delete("never-written")
        #expect(try await storage.list().map(\.key) == ["b:x", "session:2"])
        #expect(try await storage.list(prefix: "session:").map(\.value) == [[3]])
        #expect(try await other.list().map(\.key) == ["x"])
        #expect(try await storage.list(limit: 1).map(\.key) == ["b:x"])
        #expect(try await storage.list(limit: 0).isEmpty)
        #expect(try await storage.get("session:1") == nil)
        try await storage.put("session:1", [4])
        #expect(try await storage.get("session:1") == [4])
    }

    @Test("JSON values round-trip, and a value of the wrong shape is a clear error")
    func json() async throws {
        let kv = try await KVServiceChild()
        let clock = ManualRuntimeClock()
        let lease = try await ObjectLeaseKeeper(kv: kv.client, namespace: "OBJECTS", holder: "host-1", clock: clock)
            .acquire(ObjectAddress(className: "Recorder", id: "j"))
        let storage = ObjectStorage(lease: lease, kv: kv.client, namespace: "OBJECTS", clock: clock)
        try await storage.put("ids", json: ["schwabUserId": "u1"])
        #expect(try await storage.get("ids", as: [String: String].self) == ["schwabUserId": "u1"])
        await #expect(throws: ObjectHostError.self) { try await storage.get("ids", as: Int.self) }
    }

    @Test(
        "empty and oversized keys are refused before reaching KV", arguments: ["", String(repeating: "k", count: 600)])
    func badKeys(key: String) async throws {
        let kv = try await KVServiceChild()
        let clock = ManualRuntimeClock()
        let lease = try await ObjectLeaseKeeper(kv: kv.client, namespace: "OBJECTS", holder: "host-1", clock: clock)
            .acquire(ObjectAddress(className: "Recorder", id: "k"))
        let storage = ObjectStorage(lease: lease, kv: kv.client, namespace: "OBJECTS", clock: clock)
        do {
            try await storage.put(key, [1])
            Issue.record("accepted a bad key")
        } catch {
            #expect(error.code == .invalidKey)
        }
        #expect(try await storage.list().isEmpty)
    }
}
