import EdgeKV
import Foundation
import TestSupport
import Testing

/// The KV service's expiry on a clock the test moves: the real service (Unix socket, SQLite file,
/// sweeper thread) in this process, driven by the real client, so a one-second TTL runs out at the
/// step the test chooses and not while a loaded machine is between two calls.
@Suite(.realWorld) struct KVServiceExpiryTests {
    @Test func aKeyWithAOneSecondTTLIsServedForItsSecondThenGoneAndSweptFromTheFile() async throws {
        let clock = ManualMillisecondClock()
        let service = try await InProcessKVService(namespaces: ["STATE"], sweepInterval: 0.05, now: clock.function)
        let client = service.client
        _ = try await client.put(namespace: "STATE", key: "brief", text: "x", expiration: .ttl(seconds: 1))
        _ = try await client.put(namespace: "STATE", key: "stays", text: "y", expiration: .ttl(seconds: 600))
        #expect(try await client.get(namespace: "STATE", key: "brief")?.text == "x")
        clock.advance(milliseconds: 999)
        #expect(try await client.get(namespace: "STATE", key: "brief")?.text == "x", "still inside its second")
        let file = try KVStore(path: service.databasePath)
        defer { file.close() }
        #expect(try file.rowCount() == 2, "the sweeper leaves a live key alone")
        clock.advance(milliseconds: 1)
        #expect(try await client.get(namespace: "STATE", key: "brief") == nil)
        #expect(try await client.list(namespace: "STATE").keys.map(\.name) == ["stays"])
        // The sweeper (every 50 ms of real time here, by the service's clock) deletes the row.
        #expect(await TestSupport.waitUntil { (try? file.rowCount()) == 1 })
        #expect(try await client.get(namespace: "STATE", key: "stays")?.text == "y")
    }
}
