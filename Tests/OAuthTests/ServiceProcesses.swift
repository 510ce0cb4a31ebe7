import EdgeKV
import Foundation
import TestSupport

/// The real KV service for OAuth tests: the shared `KVServiceChild`.
typealias KVProcess = KVServiceChild

/// The fake Schwab as a child process on a free port, with an admin token, stopped on deinit.
/// `@unchecked Sendable`: immutable after init and owned by one test.
final class SandboxProcess: @unchecked Sendable {
    let folder: URL
    let port: Int
    let child: ChildProcess
    static let adminToken = "admin-token-for-tests"

    init(redirectURI: String) async throws {
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
            if await eventually(
                timeout: TestSupport.hangTimeout, { TestSupport.isListening(port: port) || !child.isRunning }),
                child.isRunning
            {
                started = child
                chosen = port
                break
            }
            _ = await child.terminate(grace: 1)
        }
        guard let started else { throw SetupFailure("the sandbox did not start") }
        child = started
        port = chosen
    }

    var base: String { "http://127.0.0.1:\(port)" }

    var logText: String { child.stderrText + child.stdoutText }

    deinit {
        _ = child.stop()
        try? FileManager.default.removeItem(at: folder)
    }
}
