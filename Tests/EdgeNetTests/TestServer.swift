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

    /// Drains with a short deadline and waits for every loop to stop.
    func stop() {
        server.shutdown(deadline: .seconds(2))
        server.waitUntilStopped()
    }
}

/// `curl` with the arguments; returns status, stdout, stderr.
func curl(_ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
    try TestSupport.run("/usr/bin/curl", ["--silent", "--show-error", "--max-time", "20"] + arguments)
}

/// Runs a Python script with `python3` (from PATH) and returns status, stdout, stderr.
func python(_ script: String) throws -> (status: Int32, output: String, error: String) {
    try TestSupport.run("/usr/bin/env", ["python3", "-c", script])
}

/// Runs blocking work (a child process, a blocking socket) on a thread of its own and awaits it.
///
/// Swift Testing runs tests on the cooperative pool, which has as many threads as cores; a test
/// that blocks one of them starves the server's `.later` and streaming tasks, which run there too.
func blocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try work() }) }
        thread.start()
    }
}

/// Polls `condition` every 20 ms without blocking a pool thread until it holds or `timeout`
/// seconds pass; returns whether it held. For waiting, never for asserting speed.
func eventually(timeout: Double = 10, _ condition: @Sendable () -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return condition()
}
