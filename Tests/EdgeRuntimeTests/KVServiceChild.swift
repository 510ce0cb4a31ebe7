import EdgeKV
import Foundation
import TestSupport

/// A real `schwab-mcp kv` child process in its own temporary folder, with a client connected to it.
///
/// Each test starts its own; the child is stopped by pid and the folder removed when the value goes away.
final class KVServiceChild: @unchecked Sendable {
    // Confined to the test that owns it: tests never share one.
    let folder: URL
    let socketPath: String
    let child: ChildProcess
    let client: KVClient

    init() async throws {
        folder = try TestSupport.temporaryDirectory("runtime-kv")
        socketPath = folder.appendingPathComponent("kv.sock").path
        child = try ChildProcess(
            ["kv", "--socket", socketPath, "--db", folder.appendingPathComponent("kv.sqlite").path],
            logDirectory: folder)
        client = KVClient(socketPath: socketPath)
        for _ in 0..<750 {
            if (try? await client.ping()) != nil { return }
            guard child.isRunning else { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw RuntimeTestFailure("kv did not start (build first: swift build): \(child.stderrText)")
    }

    deinit {
        child.stop()
        try? FileManager.default.removeItem(at: folder)
    }
}

/// A test precondition that did not hold.
struct RuntimeTestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
