import Foundation
import Synchronization
import TestSupport
import Testing

@testable import EdgeKV

/// A clock the test moves by hand, so expiry is tested without sleeping.
final class ManualClock: Sendable {
    private let millis: Mutex<Int64>
    init(_ start: Int64 = 1_800_000_000_000) { millis = Mutex(start) }
    var now: Int64 { millis.withLock { $0 } }
    func advance(millis delta: Int64) { millis.withLock { $0 += delta } }
    var function: @Sendable () -> Int64 { { [self] in now } }
}

/// A store on a real SQLite file in its own temporary folder, removed afterwards.
final class StoreWorld {
    let folder: URL
    let clock = ManualClock()
    let store: KVStore

    init() throws {
        folder = try TestSupport.temporaryDirectory("kv-store")
        store = try KVStore(path: folder.appendingPathComponent("kv.sqlite").path, now: clock.function)
    }

    func reopen() throws -> KVStore {
        store.close()
        return try KVStore(path: folder.appendingPathComponent("kv.sqlite").path, now: clock.function)
    }

    deinit {
        store.close()
        try? FileManager.default.removeItem(at: folder)
    }
}

/// Workers KV semantics plus versions on a real SQLite file.
@Suite struct KVStoreTests {
    @Test func aPutIsReadBackWithMetadataExpirationAndVersion() throws {
        let world = try StoreWorld()
        let version = try world.store.put(
            namespace: "T", key: "token:1", value: Array("secret".utf8), expiration: .at(unixSeconds: 1_900_000_000),
            metadata: #"{"kind":"schwab"}"#)
        #expect(version == 1)
        let entry = try #require(try world.store.get(namespace: "T", key: "token:1"))
        #expect(entry.text == "secret")
        #expect(entry.metadata == #"{"kind":"schwab"}"#)
        #expect(entry.expiration == 1_900_000_000)
        #expect(entry.version == 1)
        #expect(try world.store.get(namespace: "T", key: "token:2") == nil)
        #expect(try world.store.get(namespace: "OTHER", key: "token:1") == nil, "namespaces are separate")
    }

    @Test func eachWriteIncrementsTheVersionAndReplacesEverything() throws {
        let world = try StoreWorld()
        _ = try world.store.put(namespace: "T", key: "k", value: [1], expiration: .ttl(seconds: 60), metadata: "{}")
        let second = try world.store.put(namespace: "T", key: "k", value: [2])
        #expect(second == 2)
        let entry = try #require(try world.store.get(namespace: "T", key: "k"))
        #expect(entry == KVEntry(value: [2], metadata: nil, expiration: nil, version: 2))
    }

    @Test func deleteReportsWhetherALiveKeyWasRemoved() throws {
        let world = try StoreWorld()
        _ = try world.store.put(namespace: "T", key: "k", value: [1])
        #expect(try world.store.delete(namespace: "T", key: "k"))
        #expect(try world.store.get(namespace: "T", key: "k") == nil)
        #expect(try world.store.delete(namespace: "T", key: "k") == false)
        #expect(try world.store.put(namespace: "T", key: "k", value: [1]) == 1, "a deleted key starts over")
    }

    @Test func compareAndSwapAcceptsOnlyTheCurrentVersion() throws {
        let world = try StoreWorld()
        let store = world.store
        #expect(try store.put(namespace: "T", key: "k", value: [1], ifVersion: 0) == 1)
        let mustBeAbsent = #expect(throws: KVError.self) {
            try store.put(namespace: "T", key: "k", value: [2], ifVersion: 0)
        }
        #expect(mustBeAbsent?.code == .conflict)
        let stale = #expect(throws: KVError.self) { try store.put(namespace: "T", key: "k", value: [2], ifVersion: 5) }
        #expect(stale?.code == .conflict)
        #expect(stale?.message.contains("version is 1") == true)
        #expect(try store.get(namespace: "T", key: "k")?.value == [1], "a refused swap changes nothing")
        #expect(try store.put(namespace: "T", key: "k", value: [3], ifVersion: 1) == 2)
        let staleDelete = #expect(throws: KVError.self) { try store.delete(namespace: "T", key: "k", ifVersion: 1) }
        #expect(staleDelete?.code == .conflict)
        #expect(try store.delete(namespace: "T", key: "k", ifVersion: 2))
    }

    @Test func concurrentSwapsFromTheSameVersionLetExactlyOneWin() async throws {
        let world = try StoreWorld()
        let store = world.store
        _ = try store.put(namespace: "T", key: "token", value: Array("v1".utf8))
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for writer in 0..<8 {
                group.addTask {
                    (try? store.put(namespace: "T", key: "token", value: Array("w\(writer)".utf8), ifVersion: 1)) != nil
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 }.count == 1)
        #expect(try store.get(namespace: "T", key: "token")?.version == 2)
    }

    @Test func aBatchCommitsTogetherButARefusedWriteFailsAlone() throws {
        let world = try StoreWorld()
        let results = world.store.apply([
            .put(namespace: "T", key: "a", value: [1], expiration: nil, metadata: nil, ifVersion: 0),
            .put(namespace: "T", key: "a", value: [2], expiration: nil, metadata: nil, ifVersion: 1),
            .put(namespace: "T", key: "a", value: [9], expiration: nil, metadata: nil, ifVersion: 1),
            .put(namespace: "T", key: "", value: [9], expiration: nil, metadata: nil, ifVersion: nil),
            .delete(namespace: "T", key: "b", ifVersion: nil),
            .put(namespace: "T", key: "b", value: [3], expiration: .ttl(seconds: 5), metadata: "{}", ifVersion: nil),
        ])
        #expect(try results[0].get() == .version(1))
        #expect(try results[1].get() == .version(2), "a later write in the batch sees the earlier one")
        #expect(throws: KVError.self) { try results[2].get() }
        #expect(throws: KVError.self) { try results[3].get() }
        #expect(try results[4].get() == .deleted(false))
        #expect(try results[5].get() == .version(1))
        #expect(try world.store.get(namespace: "T", key: "a")?.value == [2])
        #expect(try world.store.get(namespace: "T", key: "b")?.metadata == "{}")
    }

    @Test func anExpiredKeyIsNeverReturnedEvenBeforeTheSweep() throws {
        let world = try StoreWorld()
        let store = world.store
        _ = try store.put(namespace: "T", key: "short", value: [1], expiration: .ttl(seconds: 1))
        _ = try store.put(namespace: "T", key: "stays", value: [2])
        world.clock.advance(millis: 999)
        #expect(try store.get(namespace: "T", key: "short") != nil)
        world.clock.advance(millis: 1)
        #expect(try store.get(namespace: "T", key: "short") == nil)
        #expect(try store.list(namespace: "T").keys.map(\.name) == ["stays"])
        #expect(try store.rowCount() == 2, "the row is still on disk until the sweeper runs")
        #expect(
            try store.put(namespace: "T", key: "short", value: [3], expiration: .ttl(seconds: 1), ifVersion: 0) == 2,
            "expired counts as absent")
        world.clock.advance(millis: 2000)
        #expect(try store.sweepExpired() == 1)
        #expect(try store.rowCount() == 1)
        #expect(try store.get(namespace: "T", key: "stays")?.value == [2])
    }

    @Test func listReturnsPrefixMatchesInByteOrderAcrossPages() throws {
        let world = try StoreWorld()
        let store = world.store
        let names = (0..<25).map { String(format: "user:%02d", $0) } + ["user", "usex", "u", "é", "zz"]
        for name in names.shuffled() {
            _ = try store.put(namespace: "T", key: name, value: [1], metadata: name == "user:03" ? "[3]" : nil)
        }
        var seen: [String] = []
        var cursor: String?
        var pages = 0
        repeat {
            let page = try store.list(namespace: "T", prefix: "user:", limit: 10, cursor: cursor)
            seen += page.keys.map(\.name)
            cursor = page.cursor
            pages += 1
            #expect(page.listComplete == (cursor == nil))
        } while cursor != nil
        #expect(seen == (0..<25).map { String(format: "user:%02d", $0) })
        #expect(pages == 3)
        #expect(try store.list(namespace: "T", prefix: "user:03").keys.first?.metadata == "[3]")
        #expect(try store.list(namespace: "T").keys.map(\.name).suffix(2) == ["zz", "é"], "byte order puts é last")
        #expect(try store.list(namespace: "T", prefix: "nothing").keys.isEmpty)
        let exact = try store.list(namespace: "T", prefix: "user:", limit: 25)
        #expect(exact.listComplete && exact.cursor == nil && exact.keys.count == 25)
    }

    @Test func aPrefixOfHighBytesStillBoundsTheScan() throws {
        let world = try StoreWorld()
        _ = try world.store.put(namespace: "T", key: "\u{10FFFF}a", value: [1])
        _ = try world.store.put(namespace: "T", key: "\u{10FFFF}", value: [1])
        _ = try world.store.put(namespace: "T", key: "a", value: [1])
        let page = try world.store.list(namespace: "T", prefix: "\u{10FFFF}")
        #expect(page.keys.map(\.name) == ["\u{10FFFF}", "\u{10FFFF}a"])
        #expect(KVStore.upperBound(prefix: [0x61, 0xFF]) == [0x62])
    }

    static let refusals: [(String, KVError.Code)] = [
        ("key of 513 bytes", .keyTooLong),
        ("empty key", .invalidArgument),
        ("value of 25 MiB + 1", .valueTooLarge),
        ("metadata of 1025 bytes", .metadataTooLarge),
        ("TTL of 0 seconds", .invalidArgument),
        ("expiration in the past", .invalidArgument),
        ("expiration of Int64.min", .invalidArgument),
        ("TTL of Int64.max seconds", .invalidArgument),
        ("list limit 0", .invalidArgument),
        ("list limit 1001", .invalidArgument),
        ("cursor not issued by the store", .invalidArgument),
    ]

    @Test(arguments: refusals)
    func badInputGetsAClearErrorAndChangesNothing(name: String, code: KVError.Code) throws {
        let world = try StoreWorld()
        let store = world.store
        _ = try store.put(namespace: "T", key: "k", value: [7])
        let error = #expect(throws: KVError.self) {
            switch name {
            case "key of 513 bytes":
                _ = try store.put(namespace: "T", key: String(repeating: "k", count: 513), value: [])
            case "empty key": _ = try store.get(namespace: "T", key: "")
            case "value of 25 MiB + 1":
                _ = try store.put(namespace: "T", key: "k", value: [UInt8](repeating: 0, count: 25 * 1024 * 1024 + 1))
            case "metadata of 1025 bytes":
                _ = try store.put(namespace: "T", key: "k", value: [], metadata: String(repeating: "m", count: 1025))
            case "TTL of 0 seconds":
                _ = try store.put(namespace: "T", key: "k", value: [], expiration: .ttl(seconds: 0))
            case "expiration in the past":
                _ = try store.put(namespace: "T", key: "k", value: [], expiration: .at(unixSeconds: 1_000))
            case "expiration of Int64.min":
                _ = try store.put(namespace: "T", key: "k", value: [], expiration: .at(unixSeconds: .min))
            case "TTL of Int64.max seconds":
                _ = try store.put(namespace: "T", key: "k", value: [], expiration: .ttl(seconds: .max))
            case "list limit 0": _ = try store.list(namespace: "T", limit: 0)
            case "list limit 1001": _ = try store.list(namespace: "T", limit: 1001)
            default: _ = try store.list(namespace: "T", cursor: "not base64!")
            }
        }
        #expect(error?.code == code)
        #expect(error?.message.isEmpty == false)
        #expect(
            try store.get(namespace: "T", key: "k") == KVEntry(value: [7], metadata: nil, expiration: nil, version: 1))
    }

    @Test func valuesAndMetadataAtTheLimitsAreAccepted() throws {
        let world = try StoreWorld()
        let key = String(repeating: "k", count: 512)
        let value = (0..<(25 * 1024 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let metadata = String(repeating: "m", count: 1024)
        _ = try world.store.put(namespace: "T", key: key, value: value, metadata: metadata)
        let entry = try #require(try world.store.get(namespace: "T", key: key))
        #expect(entry.value == value)
        #expect(entry.metadata == metadata)
    }

    @Test func dataSurvivesClosingAndReopeningTheFile() throws {
        let world = try StoreWorld()
        _ = try world.store.put(namespace: "T", key: "a", value: [1, 2, 3], metadata: "{}")
        _ = try world.store.put(namespace: "T", key: "a", value: [4])
        let reopened = try world.reopen()
        defer { reopened.close() }
        #expect(
            try reopened.get(namespace: "T", key: "a")
                == KVEntry(value: [4], metadata: nil, expiration: nil, version: 2))
        let closed = #expect(throws: KVError.self) { try world.store.get(namespace: "T", key: "a") }
        #expect(closed?.code == .unavailable)
    }
}
