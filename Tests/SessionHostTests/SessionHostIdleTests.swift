import EdgeCore
import EdgeNet
import EdgeRuntime
import Foundation
import SessionHost
import TestSupport
import Testing

/// Idle eviction in the session host on a clock the test moves: the real `SessionHostServer` (the
/// code `schwab-mcp host` runs) in this process on its real socket, with a real `schwab-mcp kv`
/// child, driven over the transport as the router drives it, its maintenance on its own timer.
///
/// Why in this process: a host child reads the system clock, and with a one-second idle timeout a
/// loaded machine may pass that second between a call and the next look, so "still live right
/// after its call" can only be checked where time stands still until the test moves it.
/// `SessionHostProcessTests` proves the same wiring in the real binary, waiting on events.
@Suite(.realWorld) struct SessionHostIdleTests {
    @Test func anObjectStaysLiveUntilItsIdleTimeoutThenIsEvictedAndReactivatesWithItsStorage() async throws {
        let kv = try await KVServiceChild()
        let folder = try TestSupport.temporaryDirectory("host-idle")
        defer { try? FileManager.default.removeItem(at: folder) }
        let clock = ManualRuntimeClock()
        let server = try SessionHostServer(
            configuration: .init(
                hostNumber: 1, socketPath: folder.appendingPathComponent("host-1.sock").path,
                kvSocketPath: kv.socketPath, idleTimeout: .seconds(1)),
            registry: SessionHostRegistry.make(bindings: []), logger: Logger(label: "host", level: .warn),
            clock: clock)
        try server.start()
        let loop = try EventLoop(name: "test-router-loop")
        loop.start()
        defer { loop.stop() }
        let router = try RuntimeConnection.connect(path: server.configuration.socketPath, loop: loop)

        #expect(try await probe(router, "carol").int("count") == 1)
        #expect(try await hostStatus(router).int("liveObjects") == 1, "the object stays live after its call")
        clock.advance(milliseconds: 999)
        #expect(await server.objects.evictIdle().isEmpty, "a millisecond short of its idle timeout it stays")
        #expect(try await hostStatus(router).int("liveObjects") == 1)
        clock.advance(milliseconds: 1)
        // The host's own maintenance timer evicts it now; wait for that event.
        let evicted = await eventuallyAsync { try await hostStatus(router).int("liveObjects") == 0 }
        #expect(evicted, "the object was not evicted after its idle timeout")
        let again = try await probe(router, "carol")
        #expect(again.int("count") == 2, "storage survived the eviction")
        #expect(again.int("activations") == 2, "the next event re-activated the object")
        let status = try await hostStatus(router)
        #expect(status.int("evictions") == 1 && status.int("activations") == 2, "the host's own counters agree")
        router.close()
        await server.shutdown()
    }
}
