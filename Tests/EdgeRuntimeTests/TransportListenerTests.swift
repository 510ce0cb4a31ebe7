import EdgeHTTP
import EdgeNet
import Foundation
import Synchronization
import TestSupport
import Testing

@testable import EdgeRuntime

#if canImport(Glibc)
    import Glibc
#endif

/// `RuntimeListener`: the socket file is the trust boundary, and one path serves one live process.
@Suite(.realWorld) struct TransportListenerTests {
    @Test func theListenerSocketIsOwnerOnlyAndServesStreams() async throws {
        let folder = try TestSupport.temporaryDirectory("transport-listener")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("host-1.sock").path
        let loop = try EventLoop(name: "test-listener-loop")
        loop.start()
        defer { loop.stop() }
        let listener = try RuntimeListener(path: path, loop: loop) { fd in
            let connection = RuntimeConnection(
                adopting: fd, role: .host, loop: loop,
                callbacks: .init(onStream: { stream in Task { await TransportTests.echo(stream) } }))
            connection.start()
        }
        var status = stat()
        #expect(lstat(path, &status) == 0)
        #expect(status.st_mode & 0o777 == 0o600)
        let router = try RuntimeConnection.connect(path: path, loop: loop)
        let stream = try await router.send(probeHead("/via-listener"), body: Array("abc".utf8))
        #expect(try await readAll(stream) == Array("cba".utf8))
        // A second process on the same path is refused while the first answers.
        let second = #expect(throws: RuntimeTransportError.self) {
            _ = try RuntimeListener(path: path, loop: loop) { Glibc.close($0) }
        }
        #expect(second?.message.contains("already listening") == true)
        router.close()
        listener.close()
        #expect(!FileManager.default.fileExists(atPath: path))
        let refused = #expect(throws: RuntimeTransportError.self) {
            _ = try RuntimeConnection.connect(path: path, loop: loop)
        }
        #expect(refused?.code == .unavailable)
    }

    @Test func aStaleSocketFileIsReplacedButAnOrdinaryFileIsNot() async throws {
        let folder = try TestSupport.temporaryDirectory("transport-stale")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("host-2.sock").path
        // A crashed host leaves its socket file behind: bound, then closed without unlink.
        let stale = try RuntimeSocket.listen(path: path)
        Glibc.close(stale)
        #expect(FileManager.default.fileExists(atPath: path))
        let fresh = try RuntimeSocket.listen(path: path)
        #expect(RuntimeSocket.isAnswering(path: path))
        Glibc.close(fresh)
        let plain = folder.appendingPathComponent("notes.txt").path
        #expect(FileManager.default.createFile(atPath: plain, contents: Data("keep me".utf8)))
        let error = #expect(throws: RuntimeTransportError.self) { _ = try RuntimeSocket.listen(path: plain) }
        #expect(error?.message.contains("is not a socket") == true)
        #expect(try String(contentsOfFile: plain, encoding: .utf8) == "keep me")
    }
}
