import EdgeCore
import EdgeHTTP
import EdgeNet
import Foundation
import TestSupport

/// An in-process `HTTPServer` on a free port for one test, shut down and awaited by `stop()`.
final class TestServer: Sendable {
    let server: HTTPServer
    let port: Int

    init(
        _ responder: some HTTPResponder = BareServerRoutes.responder(),
        configure: (inout HTTPServer.Configuration) -> Void = { _ in }
    ) throws {
        var configuration = HTTPServer.Configuration(host: "127.0.0.1", port: 0, eventLoops: 2)
        configure(&configuration)
        server = try HTTPServer(
            configuration: configuration, responder: responder, logger: Logger(label: "http-test", level: .warn))
        port = try server.start()
    }

    var url: String { "http://127.0.0.1:\(port)" }

    /// Drains with a short deadline and waits for every loop to stop. Cleanup only (`defer`, which
    /// cannot `await`): it blocks the calling thread for at most about the 2 s drain deadline.
    func stop() {
        server.shutdown(deadline: .seconds(2))
        server.waitUntilStopped()
    }
}

/// `curl` with the arguments; returns status, stdout, stderr. Runs off the cooperative pool.
func curl(_ arguments: [String]) async throws -> CommandResult {
    try await TestSupport.run("/usr/bin/curl", ["--silent", "--show-error", "--max-time", "60"] + arguments)
}

/// Runs a Python script with `python3` (from PATH) and returns status, stdout, stderr. Runs off
/// the cooperative pool.
func python(_ script: String) async throws -> CommandResult {
    try await TestSupport.run("/usr/bin/env", ["python3", "-c", script])
}
