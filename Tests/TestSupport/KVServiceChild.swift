import EdgeKV
import Foundation

/// A real `schwab-mcp kv` child process in its own temporary folder, with a client connected to it.
///
/// Each test starts its own; the child is stopped by pid and the folder removed when the value
/// goes away. It serves the namespaces a deployment's wrangler.toml would (`OAUTH_KV` and the
/// object storage namespace `OBJECTS`) unless told others.
public final class KVServiceChild: @unchecked Sendable {
    // Confined to the test that owns it: tests never share one, and every stored property is
    // set once in init.
    public let folder: URL
    public let socketPath: String
    public let databasePath: String
    public let child: ChildProcess
    public let client: KVClient

    /// Starts the service and waits (without blocking a pool thread) until it answers a ping.
    public init(namespaces: [String] = ["OAUTH_KV", "OBJECTS"]) async throws {
        folder = try TestSupport.temporaryDirectory("kv-child")
        socketPath = folder.appendingPathComponent("kv.sock").path
        databasePath = folder.appendingPathComponent("kv.sqlite").path
        child = try ChildProcess(
            [
                "kv", "--socket", socketPath, "--db", databasePath,
                "--namespaces", namespaces.joined(separator: ","),
            ],
            logDirectory: folder)
        client = KVClient(socketPath: socketPath)
        let deadline = Date().addingTimeInterval(TestSupport.hangTimeout)
        while Date() < deadline {
            if (try? await client.ping()) != nil { return }
            guard child.isRunning else { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw SetupFailure("kv did not start (build first: swift build): \(child.stderrText)")
    }

    /// Everything the service logged so far.
    public var logText: String { child.stderrText }

    deinit {
        child.stop()
        try? FileManager.default.removeItem(at: folder)
    }
}

/// A test's world could not be set up; carries the child's own words.
public struct SetupFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
