import Foundation
import TestSupport
import Testing

/// The sandbox process shares the stack's lifecycle (`SandboxServer` run by `runUntilSignalled`):
/// SIGTERM drains it and it exits 0, having said which service stopped and why.
@Suite("Sandbox lifecycle")
struct SandboxLifecycleTests {
    @Test func sigtermDrainsTheSandboxWhichExitsZeroAndLogsTheSignal() async throws {
        let sandbox = try await SandboxProcess.launch()
        let refused = try await sandbox.request("GET", "/marketdata/v1/quotes?symbols=AAPL")
        #expect(refused.status == 401, "the sandbox answers before it is stopped")

        sandbox.child.signal(SIGTERM)
        let status = await sandbox.child.waitForExit()

        #expect(status == 0, "\(sandbox.child.stderrText)")
        let log = sandbox.child.stderrText
        #expect(log.contains("\"signal received; draining\"") && log.contains("\"service\":\"sandbox\""), "\(log)")
        #expect(log.contains("\"msg\":\"stopped\""), "the HTTP server drained: \(log)")
    }
}
