import Foundation
import TestSupport
import Testing

/// The router refuses auth modes it cannot run safely, with a message that says what to change.
@Suite struct RouterStartupTests {
    /// Flags, a phrase the refusal must hold.
    static let refusals: [([String], String)] = [
        (["--auth", "none", "--listen-address", "0.0.0.0"], "only listens on a loopback address"),
        (["--auth", "none", "--listen-address", "192.168.1.10"], "listen_address is '192.168.1.10'"),
        (["--auth", "oauth"], "SCHWAB_CLIENT_SECRET is not set"),
        (["--auth", "oauth"], "COOKIE_ENCRYPTION_KEY is not set: put `COOKIE_ENCRYPTION_KEY=...` in .dev.vars"),
    ]

    @Test(arguments: refusals)
    func anUnsafeOrUnconfiguredAuthModeStopsTheRouter(flags: [String], phrase: String) async throws {
        let folder = try TestSupport.temporaryDirectory("router-refuse")
        defer { try? FileManager.default.removeItem(at: folder) }
        // A copy of the repository's configuration, away from any .dev.vars a developer keeps there.
        let config = folder.appendingPathComponent("wrangler.toml").path
        try FileManager.default.copyItem(
            atPath: TestSupport.packageRoot.appendingPathComponent("wrangler.toml").path, toPath: config)
        let arguments =
            [
                "router", "--config", config,
                "--socket-dir", folder.path, "--data-dir", folder.path, "--port", String(TestSupport.freePort()),
            ] + flags
        let result = try await TestSupport.run(TestSupport.binary.path, arguments)
        #expect(result.status == 1)
        #expect(result.error.contains(phrase), "stderr was: \(result.error)")
    }

    @Test func authNoneOnLoopbackStartsWithAWarning() async throws {
        let world = try await RuntimeWorld(hosts: [])
        defer { world.cleanUp() }
        #expect(world.router.stderrText.contains(#""level":"warn""#))
        #expect(world.router.stderrText.contains("auth = none"))
        #expect(await world.router.terminate() == 0, "SIGTERM drains and exits 0")
        #expect(world.router.stderrText.contains("signal received, draining"))
        await world.stop()
    }
}
