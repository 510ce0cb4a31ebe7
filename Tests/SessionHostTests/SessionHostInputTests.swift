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
        #expect(await eventually { !twin.isRunning })
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
        #expect(await eventually { !child.isRunning })
        #expect(child.process.terminationStatus == 2)
        #expect(child.stderrText.contains(expected))
    }
}
