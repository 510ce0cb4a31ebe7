import EdgeCore
import EdgeKV
import Foundation
import SchwabAuth
import TestSupport

/// One test's local machine: a folder with a `wrangler.toml` whose data and socket folders live
/// inside it, and the environment every child gets (an encryption key, no real Schwab app).
/// `@unchecked Sendable`: immutable after init and owned by one test.
final class LocalWorld: @unchecked Sendable {
    let folder: URL
    let configPath: String
    static let key = "local-use-test-key-0123456789abcdef-0123"

    init() throws {
        folder = try TestSupport.temporaryDirectory("local-use")
        configPath = folder.appendingPathComponent("wrangler.toml").path
        let toml = """
            name = "local-use-test"
            [runtime]
            data_dir = "\(folder.path)/data"
            socket_dir = "\(folder.path)/sock"
            """
        try toml.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// Our encryption key for every child.
    func environment(key: String = LocalWorld.key) -> [String: String] { ["COOKIE_ENCRYPTION_KEY": key] }

    /// `schwab-mcp arguments…` run through `env -u` so that no Schwab secret of the test's own
    /// environment reaches the child (the sandbox defaults apply), and without the encryption key
    /// when `withoutKey`; the configuration refuses empty secrets, so unsetting is the only way.
    func command(_ arguments: [String], withoutKey: Bool = false) -> (URL, [String]) {
        var unset = ["SCHWAB_CLIENT_ID", "SCHWAB_CLIENT_SECRET", "SCHWAB_REDIRECT_URI", "SCHWAB_API_BASE_URL"]
        if withoutKey { unset.append("COOKIE_ENCRYPTION_KEY") }
        return (
            URL(fileURLWithPath: "/usr/bin/env"),
            unset.flatMap { ["-u", $0] } + [TestSupport.binary.path] + arguments
        )
    }

    var kvSocket: String { folder.path + "/sock/kv.sock" }

    /// The local user's tokens as `stdio` would load them, through a KV service over this
    /// world's database (started for the read and stopped after).
    func storedTokens(key: String = LocalWorld.key) async throws -> SchwabTokens? {
        let kv = try ChildProcess(["kv", "--config", configPath], logDirectory: folder)
        defer { kv.stop() }
        let client = KVClient(socketPath: kvSocket)
        guard await eventually(timeout: TestSupport.hangTimeout, { FileManager.default.fileExists(atPath: kvSocket) })
        else {
            throw SetupFailure("kv did not start: \(kv.stderrText)")
        }
        let deadline = Date().addingTimeInterval(TestSupport.hangTimeout)
        while (try? await client.ping()) == nil && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        let store = SchwabTokenStore(
            kv: client, namespace: "OAUTH_KV", key: try SchwabTokenKey(cookieEncryptionKey: key))
        let tokens = try await store.load(schwabUserId: nil, clientId: "local")
        _ = await kv.terminate(grace: 5)
        return tokens
    }

    deinit { try? FileManager.default.removeItem(at: folder) }
}

/// The fake Schwab as a child on a free port, accepting `redirectURI` as its registered callback.
/// `@unchecked Sendable`: immutable after init and owned by one test.
final class SandboxChild: @unchecked Sendable {
    let port: Int
    let child: ChildProcess

    init(redirectURI: String, folder: URL) async throws {
        var started: (ChildProcess, Int)?
        for _ in 0..<3 {
            let port = TestSupport.freePort()
            let child = try ChildProcess(
                ["sandbox", "--port", String(port), "--redirect-uri", redirectURI], logDirectory: folder)
            if await eventually(
                timeout: TestSupport.hangTimeout, { TestSupport.isListening(port: port) || !child.isRunning }),
                child.isRunning
            {
                started = (child, port)
                break
            }
            _ = await child.terminate(grace: 1)
        }
        guard let started else { throw SetupFailure("the sandbox did not start") }
        (child, port) = started
    }

    var base: String { "http://127.0.0.1:\(port)" }

    deinit { child.stop() }
}
