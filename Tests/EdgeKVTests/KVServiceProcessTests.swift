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

    @Test func aValueAtThe25MiBLimitRoundTripsAndOneByteMoreIsRefused() async throws {
        let service = try KVServiceProcess()
        try await service.start()
        let client = KVClient(socketPath: service.socketPath)
        let value = (0..<(25 * 1024 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 131) }
        async let big = client.put(namespace: "STATE", key: "big", value: value, expiration: nil, metadata: nil)
        async let small = client.put(namespace: "STATE", key: "small", text: "beside it")
        #expect(try await big == 1)
        #expect(try await small == 1)
        #expect(try await client.get(namespace: "STATE", key: "big")?.value == value)
        let tooBig = await #expect(throws: KVError.self) {
            try await client.put(namespace: "STATE", key: "big", value: value + [0], expiration: nil, metadata: nil)
        }
        #expect(tooBig?.code == .valueTooLarge)
        #expect(try await client.get(namespace: "STATE", key: "small")?.text == "beside it")
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
                // Half the tasks resume on the client's reader thread, half on the global executor.
                group.addTask(executorPreference: task.isMultiple(of: 2) ? KVClient.taskExecutor : nil) {
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

    @Test func aTaskPreferringTheClientExecutorGetsEveryAnswer() async throws {
        let service = try KVServiceProcess()
        try await service.start()
        let client = KVClient(socketPath: service.socketPath)
        try await withTaskExecutorPreference(KVClient.taskExecutor) { () async throws -> Void in
            for round in 1...300 {
                #expect(try await client.put(namespace: "STATE", key: "n", text: "\(round)") == UInt64(round))
                #expect(try await client.get(namespace: "STATE", key: "n")?.text == "\(round)")
            }
            let missing = await #expect(throws: KVError.self) { try await client.get(namespace: "NOPE", key: "n") }
            #expect(missing?.code == .unknownNamespace)
        }
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

    @Test func callsInFlightWhenTheServiceDiesFailAsUnavailableInsteadOfHanging() async throws {
        let service = try KVServiceProcess()
        try await service.start()
        let client = KVClient(socketPath: service.socketPath)
        try await client.ping()
        let codes = await withTaskGroup(of: [KVError.Code].self) { group in
            for task in 0..<16 {
                group.addTask {
                    var codes: [KVError.Code] = []
                    for i in 0..<50 {
                        do {
                            _ = try await client.put(namespace: "STATE", key: "k\(task)-\(i)", text: "v")
                        } catch let error as KVError {
                            codes.append(error.code)
                        } catch {
                            codes.append(.protocolError)
                        }
                    }
                    return codes
                }
            }
            group.addTask {
                await service.child?.killHard()
                return []
            }
            return await group.reduce(into: [KVError.Code]()) { $0 += $1 }
        }
        #expect(codes.allSatisfy { $0 == .unavailable }, "\(Set(codes))")
        try await service.start()
        try await client.ping()
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

    @Test func pipelinedRequestsOnOneConnectionTakeEffectInOrder() async throws {
        let service = try KVServiceProcess()
        try await service.start()
        let raw = try RawSocket(path: service.socketPath)
        let requests: [KVRequest] = [
            .put(namespace: "STATE", key: "k", value: [1], expiration: nil, metadata: nil, ifVersion: 0),
            .get(namespace: "STATE", key: "k"),
            .put(namespace: "STATE", key: "k", value: [2], expiration: nil, metadata: nil, ifVersion: 1),
            .put(namespace: "STATE", key: "k", value: [3], expiration: nil, metadata: nil, ifVersion: 1),
            .get(namespace: "STATE", key: "k"),
            .delete(namespace: "STATE", key: "k", ifVersion: 2),
            .get(namespace: "STATE", key: "k"),
        ]
        raw.send(requests.enumerated().flatMap { KVWire.encode(KVRequestFrame(id: UInt64($0), request: $1)) })
        shutdown(raw.fd, Int32(SHUT_WR))
        var decoder = KVFrameDecoder()
        decoder.feed(try #require(try await blocking { raw.readToEnd() }))
        var results: [UInt64: KVResult] = [:]
        while case .frame(let payload) = decoder.next() {
            let response = try KVWire.decodeResponse(payload)
            results[response.id] = response.result
        }
        #expect(results[0] == .version(1))
        #expect(results[1] == .entry(KVEntry(value: [1], metadata: nil, expiration: nil, version: 1)))
        #expect(results[2] == .version(2))
        guard case .failure(let conflict) = results[3] else {
            Issue.record("the stale swap must fail, received \(String(describing: results[3]))")
            return
        }
        #expect(conflict.code == .conflict)
        #expect(results[4] == .entry(KVEntry(value: [2], metadata: nil, expiration: nil, version: 2)))
        #expect(results[5] == .deleted(true))
        #expect(results[6] == .entry(nil))
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
        _ = try await client.put(namespace: "STATE", key: "brief", text: "x", expiration: .ttl(seconds: 1))
        _ = try await client.put(namespace: "STATE", key: "stays", text: "y", expiration: .ttl(seconds: 600))
        // A key with a TTL is served until it runs out: "stays" has ten minutes, which no slow
        // machine uses up during this test. (A child reads the system clock, so the second just
        // before "brief" runs out cannot be checked here without racing it; KVServiceExpiryTests
        // checks that boundary on the same service with a clock the test moves.)
        #expect(try await client.get(namespace: "STATE", key: "stays")?.text == "y")
        // Sleeping can only make more than 1.1 s pass, never less: by then "brief" has expired.
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

    /// Start-up mistakes: the exit status and a phrase the message must hold.
    static let startupMistakes: [([String], Int32, String)] = [
        (["--socket", "DIR/kv.sock", "--db", "DIR/kv.sqlite", "--config", "DIR/missing.toml"], 1, "missing.toml"),
        (["--socket", "/nonexistent-dir/kv.sock", "--db", "DIR/kv.sqlite"], 1, "cannot listen on"),
        (["--socket", "DIR/kv.sock", "--db", "/nonexistent-dir/kv.sqlite"], 1, "cannot open the KV database"),
        (["--socket", "DIR/kv.sock", "--db", "DIR/kv.sqlite", "--namespaces", "A,,B"], 2, "--namespaces"),
        (["--socket", "DIR/kv.sock", "--db", "DIR/kv.sqlite", "--log-level", "loud"], 1, "--log-level"),
        (["--socket", "DIR/" + String(repeating: "s", count: 200), "--db", "DIR/kv.sqlite"], 1, "socket path must be"),
    ]

    @Test(arguments: startupMistakes)
    func aBadStartupStopsWithAClearMessage(words: [String], status: Int32, phrase: String) async throws {
        let folder = try TestSupport.temporaryDirectory("kv-startup")
        defer { try? FileManager.default.removeItem(at: folder) }
        let arguments = words.map { $0.replacingOccurrences(of: "DIR", with: folder.path) }
        let result = try await TestSupport.run(TestSupport.binary.path, ["kv"] + arguments)
        #expect(result.status == status)
        #expect(result.error.contains(phrase), "stderr was: \(result.error)")
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
