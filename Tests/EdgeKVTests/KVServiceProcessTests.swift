import EdgeKV
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The KV service as a real process: real socket, real SQLite file, the real client.
@Suite(.realWorld) struct KVServiceProcessTests {
    @Test func theClientRoundTripsEveryOperation() async throws {
        let service = try KVServiceProcess()
        try await service.start()
        let client = KVClient(socketPath: service.socketPath)
        try await client.ping()
        let version = try await client.put(
            namespace: "TOKENS", key: "token:42", text: "access", expiration: .ttl(seconds: 3600),
            metadata: #"{"v":1}"#)
        #expect(version == 1)
        let entry = try #require(try await client.get(namespace: "TOKENS", key: "token:42"))
        #expect(entry.text == "access" && entry.metadata == #"{"v":1}"# && entry.version == 1)
        #expect(entry.expiration != nil)
        #expect(try await client.put(namespace: "TOKENS", key: "token:42", text: "rotated", ifVersion: 1) == 2)
        let conflict = await #expect(throws: KVError.self) {
            try await client.put(namespace: "TOKENS", key: "token:42", text: "late", ifVersion: 1)
        }
        #expect(conflict?.code == .conflict)
        _ = try await client.put(namespace: "TOKENS", key: "token:7", text: "x")
        let page = try await client.list(namespace: "TOKENS", prefix: "token:", limit: 1)
        #expect(page.keys.map(\.name) == ["token:42"] && !page.listComplete)
        let rest = try await client.list(namespace: "TOKENS", prefix: "token:", limit: 1, cursor: page.cursor)
        #expect(rest.keys.map(\.name) == ["token:7"] && rest.listComplete)
        #expect(try await client.delete(namespace: "TOKENS", key: "token:7"))
        #expect(try await client.get(namespace: "TOKENS", key: "token:7") == nil)
        let unknown = await #expect(throws: KVError.self) { try await client.get(namespace: "NOPE", key: "k") }
        #expect(unknown?.code == .unknownNamespace)
        let tooLong = await #expect(throws: KVError.self) {
            try await client.put(namespace: "TOKENS", key: String(repeating: "k", count: 513), text: "v")
        }
        #expect(tooLong?.code == .keyTooLong)
        let hugeCursor = await #expect(throws: KVError.self) {
            try await client.list(namespace: "TOKENS", cursor: String(repeating: "A", count: 70_000))
        }
        #expect(hugeCursor?.code == .invalidArgument)
        let hugeNamespace = await #expect(throws: KVError.self) {
            try await client.list(namespace: String(repeating: "N", count: 70_000))
        }
        #expect(hugeNamespace?.code == .invalidArgument)
        // None of the refusals cost the connection: the same client still works.
        #expect(try await client.get(namespace: "TOKENS", key: "token:42")?.text == "rotated")
    }

    @Test func aWriteIsVisibleToAnotherClientTheMomentItIsAcknowledged() async throws {
        let service = try KVServiceProcess()
        try await service.start()
        let writer = KVClient(socketPath: service.socketPath)
        let reader = KVClient(socketPath: service.socketPath)
        for round in 1...200 {
            let version = try await writer.put(namespace: "STATE", key: "counter", text: "\(round)")
            let seen = try await reader.get(namespace: "STATE", key: "counter")
            #expect(seen?.text == "\(round)" && seen?.version == version, "round \(round)")
        }
    }

    @Test func manyPipelinedRequestsOnOneClientAllGetTheirOwnAnswers() async throws {
        let service = try KVServiceProcess()
        try await service.start()
        let client = KVClient(socketPath: service.socketPath)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<32 {
                group.addTask {
                    for i in 0..<20 {
                        let key = "t\(task):\(i)"
                        _ = try await client.put(namespace: "STATE", key: key, text: key)
                        #expect(try await client.get(namespace: "STATE", key: key)?.text == key)
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await client.list(namespace: "STATE", prefix: "t3").keys.count == 20 * 3, "t3, t30 and t31")
    }

    @Test func noAcknowledgedWriteIsLostWhenTheServiceIsKilled() async throws {
        let service = try KVServiceProcess()
        try await service.start()
        let client = KVClient(socketPath: service.socketPath)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for i in 0..<100 {
                        _ = try await client.put(namespace: "TOKENS", key: "k\(task)-\(i)", text: "value \(task) \(i)")
                    }
                }
            }
            try await group.waitForAll()
        }
        await service.child?.killHard()
        try await service.start()
        let after = KVClient(socketPath: service.socketPath)
        for task in 0..<8 {
            for i in 0..<100 {
                let entry = try await after.get(namespace: "TOKENS", key: "k\(task)-\(i)")
                #expect(entry?.text == "value \(task) \(i)", "k\(task)-\(i) after SIGKILL")
            }
        }
    }

    @Test func theClientFailsFastWhileTheServiceIsDownAndRecoversWhenItIsBack() async throws {
        let service = try KVServiceProcess()
        try await service.start()
        let client = KVClient(socketPath: service.socketPath)
        _ = try await client.put(namespace: "TOKENS", key: "k", text: "before")
        await service.child?.killHard()
        for _ in 0..<3 {
            let down = await #expect(throws: KVError.self) { try await client.get(namespace: "TOKENS", key: "k") }
            #expect(down?.code == .unavailable)
            #expect(down?.message.contains(service.socketPath) == true)
        }
        try await service.start()
        #expect(try await client.get(namespace: "TOKENS", key: "k")?.text == "before")
        _ = try await client.put(namespace: "TOKENS", key: "k", text: "after")
        #expect(try await client.get(namespace: "TOKENS", key: "k")?.version == 2)
    }

    /// Bytes that break the protocol, and the reason the log must name.
    static let brokenFrames: [(String, [UInt8], String)] = [
        ("malformed: shorter than the header", [0, 0, 0, 2, 1, 1], "protocol_error"),
        ("malformed: truncated get body", [0, 0, 0, 11, 1, 0, 0, 0, 0, 0, 0, 0, 9, 0, 200], "protocol_error"),
        ("oversized: 4 GiB length", [0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3], "frame_too_large"),
    ]

    @Test(arguments: brokenFrames)
    func aBrokenFrameClosesOnlyItsConnectionAndIsLogged(name: String, bytes: [UInt8], reason: String) async throws {
        let service = try KVServiceProcess()
        try await service.start()
        let bystander = KVClient(socketPath: service.socketPath)
        _ = try await bystander.put(namespace: "STATE", key: "k", text: "kept")
        let raw = try RawSocket(path: service.socketPath)
        // A good ping first: it must still be answered before the connection closes.
        raw.send(KVWire.encode(KVRequestFrame(id: 9, request: .ping)) + bytes)
        let received = try #require(
            try await blocking { raw.readToEnd() }, "the service must close the connection, not hang")
        #expect(received == KVWire.encode(KVResponseFrame(id: 9, opcode: 5, result: .pong)))
        #expect(try await bystander.get(namespace: "STATE", key: "k")?.text == "kept")
        #expect(service.child?.isRunning == true)
        #expect(
            await TestSupport.waitUntil {
                service.logText.contains("closing connection") && service.logText.contains(reason)
            }
        )
    }

    @Test func anUnknownOperationIsAnsweredAndTheConnectionStaysOpen() async throws {
        let service = try KVServiceProcess()
        try await service.start()
        let raw = try RawSocket(path: service.socketPath)
        var unknown = KVWire.encode(KVRequestFrame(id: 3, request: .ping))
        unknown[4] = 99
        raw.send(unknown + KVWire.encode(KVRequestFrame(id: 4, request: .ping)))
        shutdown(raw.fd, Int32(SHUT_WR))
        let received = try #require(try await blocking { raw.readToEnd() })
        var decoder = KVFrameDecoder()
        decoder.feed(received)
        guard case .frame(let first) = decoder.next(), case .frame(let second) = decoder.next() else {
            Issue.record("expected two answers, received \(received.count) bytes")
            return
        }
        guard case .failure(let error) = try KVWire.decodeResponse(first).result else {
            Issue.record("expected a failure for opcode 99")
            return
        }
        #expect(error.code == .unknownOperation)
        #expect(try KVWire.decodeResponse(second) == KVResponseFrame(id: 4, opcode: 5, result: .pong))
    }

    @Test func aKeyWithAOneSecondTTLDisappears() async throws {
        let service = try KVServiceProcess()
        try await service.start(extra: ["--sweep-interval", "0.2"])
        let client = KVClient(socketPath: service.socketPath)
        let written = ContinuousClock.now
        _ = try await client.put(namespace: "STATE", key: "brief", text: "x", expiration: .ttl(seconds: 1))
        _ = try await client.put(namespace: "STATE", key: "stays", text: "y", expiration: .ttl(seconds: 600))
        let early = try await client.get(namespace: "STATE", key: "brief")
        // On a loaded machine a second may already have passed; only then may it be gone.
        if ContinuousClock.now - written < .milliseconds(900) { #expect(early?.text == "x") }
        try await Task.sleep(for: .milliseconds(1100))
        #expect(try await client.get(namespace: "STATE", key: "brief") == nil)
        #expect(try await client.list(namespace: "STATE").keys.map(\.name) == ["stays"])
        // The sweeper (every 0.2 s here) deletes the expired row from the file itself.
        let file = try KVStore(path: service.databasePath)
        defer { file.close() }
        #expect(await TestSupport.waitUntil { (try? file.rowCount()) == 1 })
    }

    @Test func theSocketIsOwnerOnlyAndSIGTERMDrainsCleanly() async throws {
        let service = try KVServiceProcess()
        try await service.start()
        let connected = KVClient(socketPath: service.socketPath)
        _ = try await connected.put(namespace: "STATE", key: "k", text: "v")
        let attributes = try FileManager.default.attributesOfItem(atPath: service.socketPath)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(await service.child?.terminate() == 0)
        #expect(!FileManager.default.fileExists(atPath: service.socketPath))
        #expect(service.logText.contains(#""msg":"kv stopped","connections_closed":1"#))
        #expect(
            !FileManager.default.fileExists(atPath: service.databasePath + "-wal"), "a clean close checkpoints the WAL")
    }

    @Test func aSecondServiceOnTheSameSocketRefusesToStart() async throws {
        let service = try KVServiceProcess()
        try await service.start()
        let second = try await TestSupport.run(
            TestSupport.binary.path, ["kv", "--socket", service.socketPath, "--db", service.databasePath + "2"])
        #expect(second.status == 1)
        #expect(second.error.contains("already listening on \(service.socketPath)"))
        #expect(RawSocket.canConnect(service.socketPath), "the first service keeps its socket")
    }
}
