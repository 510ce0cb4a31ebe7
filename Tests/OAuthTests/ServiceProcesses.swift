import EdgeKV
import Foundation
import TestSupport

/// A failure to set up a test's world, with the child's own words.
struct SetupFailure: Error, CustomStringConvertible {
    let description: String
}

/// The real KV service as a child process over a temporary folder, stopped by pid on deinit.
/// `@unchecked Sendable`: immutable after init and owned by one test.
final class KVProcess: @unchecked Sendable {
    let folder: URL
    let socketPath: String
    let child: ChildProcess
    let client: KVClient

    init() async throws {
        folder = try TestSupport.temporaryDirectory("oauth-kv")
        socketPath = folder.appendingPathComponent("kv.sock").path
        child = try ChildProcess(
            ["kv", "--socket", socketPath, "--db", folder.appendingPathComponent("kv.sqlite").path],
            logDirectory: folder)
        let path = socketPath
        let child = self.child
        guard TestSupport.waitUntil(timeout: 20, { FileManager.default.fileExists(atPath: path) || !child.isRunning }),
            child.isRunning
        else { throw SetupFailure(description: "kv did not start: \(child.stderrText)") }
        client = KVClient(socketPath: socketPath)
        var lastError: (any Error)?
        for _ in 0..<100 {
            do {
                try await client.ping()
                return
            } catch {
                lastError = error
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        throw SetupFailure(description: "kv did not answer: \(String(describing: lastError)) \(child.stderrText)")
    }

    deinit {
        _ = child.stop(grace: 5)
        try? FileManager.default.removeItem(at: folder)
    }
}

/// The fake Schwab as a child process on a free port, with an admin token, stopped on deinit.
/// `@unchecked Sendable`: immutable after init and owned by one test.
final class SandboxProcess: @unchecked Sendable {
    let folder: URL
    let port: Int
    let child: ChildProcess
    static let adminToken = "admin-token-for-tests"

    init(redirectURI: String) throws {
        folder = try TestSupport.temporaryDirectory("oauth-sandbox")
        var started: ChildProcess?
        var chosen = 0
        for _ in 0..<3 {
            let port = TestSupport.freePort()
            let child = try ChildProcess(
                [
                    "sandbox", "--port", String(port), "--admin-token", Self.adminToken, "--client-secret",
                    "sandbox-secret-value", "--redirect-uri", redirectURI,
                ], logDirectory: folder)
            if TestSupport.waitUntil(timeout: 20, { TestSupport.isListening(port: port) || !child.isRunning }),
                child.isRunning
            {
                started = child
                chosen = port
                break
            }
            _ = child.stop(grace: 1)
        }
        guard let started else { throw SetupFailure(description: "the sandbox did not start") }
        child = started
        port = chosen
    }

    var base: String { "http://127.0.0.1:\(port)" }

    var logText: String { child.stderrText + child.stdoutText }

    deinit {
        _ = child.stop(grace: 5)
        try? FileManager.default.removeItem(at: folder)
    }
}
