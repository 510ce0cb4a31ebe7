import EdgeRuntime
import Foundation
import Synchronization
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// One test's whole runtime as real processes: `schwab-mcp kv`, some `schwab-mcp host --id N`,
/// and `schwab-mcp router --demo-routes`, sharing a temporary socket and data folder, all
/// stopped by pid in `stop()`.
///
/// Confined: the children table sits behind a `Mutex`; everything else is set once in `init`.
final class RuntimeWorld: Sendable {
    let folder: URL
    let socketDir: String
    let port: Int
    let configPath: String
    let scheme: String
    let kv: ChildProcess
    let router: ChildProcess
    private let hosts = Mutex<[Int: ChildProcess]>([:])

    var url: String { "\(scheme)://127.0.0.1:\(port)" }

    /// Flags every child shares: the repository's wrangler.toml, this world's folders.
    var common: [String] {
        [
            "--config", configPath, "--socket-dir", socketDir, "--data-dir", folder.appendingPathComponent("data").path,
            "--log-level", "debug",
        ]
    }

    /// The repository's wrangler.toml.
    static let repositoryConfig = TestSupport.packageRoot.appendingPathComponent("wrangler.toml").path

    /// Starts kv, the hosts `hostIDs`, then the router, and waits until the router sees every host.
    /// `config` replaces the repository's wrangler.toml (written into the world's folder by
    /// `prepare`); `scheme` is `https` when that config turns TLS on.
    init(
        hosts hostIDs: [Int], hostFlags: [String] = [], scheme: String = "http",
        prepare: (URL) async throws -> String? = { _ in nil }
    ) async throws {
        folder = try TestSupport.temporaryDirectory("router")
        configPath = try await prepare(folder) ?? Self.repositoryConfig
        self.scheme = scheme
        socketDir = folder.appendingPathComponent("s").path
        try FileManager.default.createDirectory(atPath: socketDir, withIntermediateDirectories: true)
        port = TestSupport.freePort()
        let logs = folder
        let common = [
            "--config", configPath, "--socket-dir", socketDir, "--data-dir", folder.appendingPathComponent("data").path,
            "--log-level", "debug",
        ]
        kv = try ChildProcess(["kv"] + common, logDirectory: logs)
        let kvSocket = socketDir + "/kv.sock"
        guard await eventually(timeout: TestSupport.hangTimeout, { FileManager.default.fileExists(atPath: kvSocket) })
        else {
            throw WorldError(message: "kv did not start: \(kv.stderrText)")
        }
        for id in hostIDs {
            let child = try ChildProcess(["host", "--id", String(id)] + common + hostFlags, logDirectory: logs)
            hosts.withLock { $0[id] = child }
        }
        for id in hostIDs {
            let path = socketDir + "/host-\(id).sock"
            guard await eventually(timeout: TestSupport.hangTimeout, { FileManager.default.fileExists(atPath: path) })
            else {
                throw WorldError(message: "host \(id) did not start: \(hosts.withLock { $0[id]?.stderrText } ?? "")")
            }
        }
        router = try ChildProcess(
            ["router", "--demo-routes", "--auth", "none", "--port", String(port)] + common, logDirectory: logs)
        let url = "\(scheme)://127.0.0.1:\(port)"
        let expected = hostIDs.count
        guard
            await eventuallyAnswers({
                (try? await HTTP.get(url + "/health"))?.body.contains("\"live_hosts\":\(expected)}") == true
            })
        else {
            throw WorldError(message: "the router did not see \(expected) hosts: \(router.stderrText)")
        }
    }

    /// Starts host `id` now (after the router).
    func startHost(_ id: Int, flags: [String] = []) throws {
        let child = try ChildProcess(["host", "--id", String(id)] + common + flags, logDirectory: folder)
        hosts.withLock { $0[id] = child }
    }

    /// SIGKILLs host `id` and waits for it to exit.
    func killHost(_ id: Int) async throws {
        guard let child = hosts.withLock({ $0.removeValue(forKey: id) }) else { return }
        await child.killHard()
    }

    /// SIGTERMs host `id` and waits for its drain; returns its exit status.
    func terminateHost(_ id: Int) async -> Int32? {
        guard let child = hosts.withLock({ $0.removeValue(forKey: id) }) else { return nil }
        return await child.terminate(grace: TestSupport.hangTimeout)
    }

    /// The live hosts the router reports on `/health`.
    func liveHosts() async throws -> Int? {
        let body = try await HTTP.get(url + "/health").body
        guard let range = body.range(of: "\"live_hosts\":") else { return nil }
        return Int(body[range.upperBound...].prefix { $0.isNumber })
    }

    /// Everything the children logged, for failure messages.
    var logs: String {
        ([router, kv] + hosts.withLock { Array($0.values) }).map(\.stderrText).joined(separator: "\n---\n")
    }

    /// Stops every child by pid (router first) and removes the folder.
    func stop() async {
        let children = [router] + hosts.withLock { Array($0.values) } + [kv]
        for child in children { await child.terminate(grace: 3) }
        try? FileManager.default.removeItem(at: folder)
    }

    /// Cleanup only (`defer`): stops what is still running, blocking briefly (see `ChildProcess.stop`).
    func cleanUp() {
        for child in [router] + hosts.withLock({ Array($0.values) }) + [kv] { child.stop() }
        try? FileManager.default.removeItem(at: folder)
    }
}

/// A world that could not come up, with the children's logs.
struct WorldError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
