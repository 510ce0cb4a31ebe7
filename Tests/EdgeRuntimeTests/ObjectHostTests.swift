import EdgeHTTP
import EdgeKV
import TestSupport
import Testing

@testable import EdgeRuntime

/// The object host on one real KV service: ordering, parallelism, eviction, reconnects, errors.
@Suite("ObjectHost", .realWorld)
struct ObjectHostTests {
    func makeHost(
        _ kv: KVServiceChild, _ journal: ObjectJournal, id: String = "host-1",
        clock: any RuntimeClock = ManualRuntimeClock()
    ) -> ObjectHost {
        // These tests are about ordering, eviction and errors, not lease expiry (ObjectLeaseTests
        // covers that), and they run no lease maintenance: time moves only when a test moves it
        // (the default clock never does), so no lease runs out and no object goes idle because a
        // loaded machine was slow.
        ObjectHost(
            configuration: .init(
                hostID: id, namespace: "OBJECTS", idleTimeoutMilliseconds: 600_000, leaseTTLMilliseconds: 60_000),
            registry: RecordingObject.registry(journal), kv: kv.client, clock: clock)
    }

    @Test("events for one object never overlap and none is lost, however many arrive at once")
    func noOverlap() async throws {
        let kv = try await KVServiceChild()
        let journal = ObjectJournal()
        let host = makeHost(kv, journal)
        let responses = try await withThrowingTaskGroup(of: String.self) { group in
            for i in 0..<200 {
                group.addTask { try await host.dispatch(recorderRequest("alice", "/count", label: "\(i)")).text }
            }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(journal.maximumInFlight == 1)
        #expect(Set(responses) == Set((1...200).map(String.init)), "a lost update means two events interleaved")
        #expect(journal.initializations("alice") == 1)
        await host.shutdown()
    }

    @Test("events run in strict arrival order even while the first one is suspended")
    func strictFIFO() async throws {
        let kv = try await KVServiceChild()
        let journal = ObjectJournal()
        let host = makeHost(kv, journal)
        let address = ObjectAddress(className: "Recorder", id: "bob")
        let first = Task { try await host.dispatch(recorderRequest("bob", "/wait", label: "first")) }
        #expect(await eventually { journal.gateWaiters == 1 })
        var tasks: [Task<HTTPResponse, any Error>] = []
        for i in 0..<30 {
            tasks.append(Task { try await host.dispatch(recorderRequest("bob", "/count", label: "\(i)")) })
            // The next event is sent only once this one is queued, which defines arrival order.
            #expect(await eventually { host.pendingEvents(for: address) == i + 2 })
        }
        journal.openGate()
        _ = try await first.value
        for task in tasks { _ = try await task.value }
        #expect(journal.handled("bob") == ["first"] + (0..<30).map(String.init))
        await host.shutdown()
    }

    @Test("different objects run in parallel: one blocked object does not hold up another")
    func objectsInParallel() async throws {
        let kv = try await KVServiceChild()
        let journal = ObjectJournal()
        let host = makeHost(kv, journal)
        let blocked = Task { try await host.dispatch(recorderRequest("slow", "/wait")) }
        #expect(await eventually { journal.gateWaiters == 1 })
        #expect(try await host.dispatch(recorderRequest("fast", "/count")).text == "1")
        #expect(journal.gateWaiters == 1)
        journal.openGate()
        #expect(try await blocked.value.text == "waited")
        await host.shutdown()
    }

    @Test("an idle object is evicted after idle_timeout and re-activated from storage by the next event")
    func idleEvictionAndReactivation() async throws {
        let kv = try await KVServiceChild()
        let journal = ObjectJournal()
        let clock = ManualRuntimeClock()
        let host = makeHost(kv, journal, clock: clock)
        let address = ObjectAddress(className: "Recorder", id: "carol")
        #expect(try await host.dispatch(recorderRequest("carol", "/count")).text == "1")
        clock.advance(milliseconds: 599_999)
        #expect(await host.evictIdle().isEmpty)
        clock.advance(milliseconds: 1)
        #expect(await host.evictIdle() == [address])
        #expect(host.liveObjects.isEmpty)
        #expect(journal.record.withLock { $0.deactivations["carol"] } == 1)
        #expect(try await host.dispatch(recorderRequest("carol", "/count")).text == "2")
        #expect(journal.initializations("carol") == 2)
        await host.shutdown()
    }

    @Test("an object with an open response stream is not evicted until the stream closes")
    func openStreamKeepsObjectLive() async throws {
        let kv = try await KVServiceChild()
        let journal = ObjectJournal()
        let clock = ManualRuntimeClock()
        let host = makeHost(kv, journal, clock: clock)
        let address = ObjectAddress(className: "Recorder", id: "dave")
        let response = try await host.dispatch(recorderRequest("dave", "/stream"))
        guard case .stream(let body) = response.body else {
            Issue.record("expected a streamed body")
            return
        }
        #expect(host.openStreams(for: address) == 1)
        let streaming = Task { await body(DiscardingStream()) }
        clock.advance(milliseconds: 3_600_000)
        #expect(await host.evictIdle().isEmpty)
        journal.openGate()
        await streaming.value
        #expect(host.openStreams(for: address) == 0)
        clock.advance(milliseconds: 600_000)
        #expect(await host.evictIdle() == [address])
        await host.shutdown()
    }

    @Test("a reconnect to a live object runs onReconnect; a fresh activation runs only initialize")
    func reconnect() async throws {
        let kv = try await KVServiceChild()
        let journal = ObjectJournal()
        let host = makeHost(kv, journal)
        _ = try await host.dispatch(recorderRequest("erin", "/count", reconnect: true))
        #expect(journal.record.withLock { $0.reconnects["erin"] } == nil)
        _ = try await host.dispatch(recorderRequest("erin", "/count", reconnect: true))
        #expect(journal.record.withLock { $0.reconnects["erin"] } == 1)
        #expect(journal.initializations("erin") == 1)
        await host.shutdown()
    }

    @Test("props reach the object's context, and storage holds bytes across activations")
    func storageBytesAndProps() async throws {
        let kv = try await KVServiceChild()
        let journal = ObjectJournal()
        let host = makeHost(kv, journal)
        let value: [UInt8] = [0, 1, 2, 255]
        #expect(try await host.dispatch(recorderRequest("frank", "/put", body: value).withQuery("k")).text == "stored")
        await host.release(ObjectAddress(className: "Recorder", id: "frank"))
        let got = try await host.dispatch(recorderRequest("frank", "/get").withQuery("k"))
        guard case .bytes(let bytes) = got.body else { throw RuntimeTestFailure("expected bytes") }
        #expect(bytes == value)
        #expect(journal.record.withLock { $0.props["frank"] } == ["schwabUserId": "frank"])
        #expect(journal.initializations("frank") == 2)
        await host.shutdown()
    }

    @Test("an unknown class is refused with a message naming the known classes")
    func unknownClass() async throws {
        let kv = try await KVServiceChild()
        let host = makeHost(kv, ObjectJournal())
        var request = recorderRequest("x", "/count")
        request.address = ObjectAddress(className: "Nope", id: "x")
        await #expect(throws: ObjectHostError.self) { try await host.dispatch(request) }
        do {
            _ = try await host.dispatch(request)
        } catch {
            #expect(error.code == .unknownClass && error.message.contains("Recorder"))
        }
        #expect(host.liveObjects.isEmpty)
    }

    @Test("without a KV service the event fails with storage_unavailable and the host stays usable")
    func kvDown() async throws {
        let journal = ObjectJournal()
        let host = ObjectHost(
            configuration: .init(hostID: "host-1"), registry: RecordingObject.registry(journal),
            kv: KVClient(socketPath: "/nonexistent/kv.sock"))
        for _ in 0..<2 {
            do {
                _ = try await host.dispatch(recorderRequest("gina", "/count"))
                Issue.record("dispatch should fail without KV")
            } catch {
                #expect(error.code == .storageUnavailable)
            }
        }
        #expect(journal.initializations("gina") == 0)
        #expect(host.liveObjects.isEmpty)
    }

    @Test("after shutdown new events are refused with shutting_down")
    func shutdownRefuses() async throws {
        let kv = try await KVServiceChild()
        let host = makeHost(kv, ObjectJournal())
        _ = try await host.dispatch(recorderRequest("hal", "/count"))
        await host.shutdown()
        await #expect(throws: ObjectHostError(.shuttingDown, "host host-1 is shutting down; retry on another")) {
            try await host.dispatch(recorderRequest("hal", "/count"))
        }
    }
}

extension ObjectRequest {
    /// The same request with `?query` on its target.
    func withQuery(_ query: String) -> ObjectRequest {
        var copy = self
        copy.http.head.target += "?" + query
        return copy
    }
}

/// A response stream whose client reads everything and never leaves.
struct DiscardingStream: ResponseStream {
    func write(_ bytes: [UInt8]) async -> Bool { true }
    var isClosed: Bool { false }
    func waitUntilClosed() async {}
}
