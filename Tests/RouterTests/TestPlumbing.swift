import Foundation
import TestSupport

/// Runs blocking work (a child process, a blocking socket) on a thread of its own and awaits it,
/// so no cooperative-pool thread is held (the pool has 2 threads here).
func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try work() }) }
        thread.start()
    }
}

/// Polls `condition` off the pool every 20 ms until it holds or `timeout` seconds pass. For
/// waiting, never for asserting speed.
func eventuallyTrue(timeout: Double = 15, _ condition: @escaping @Sendable () -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if (try? await offThePool(condition)) == true { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return (try? await offThePool(condition)) == true
}

/// HTTP through curl, always called off the pool.
enum HTTP {
    /// A request's outcome.
    struct Answer: Sendable {
        let status: Int
        let body: String
    }

    /// `curl` with `arguments`; blocking, so call it inside `offThePool`.
    static func curl(_ arguments: [String]) throws -> Answer {
        let result = try TestSupport.run(
            "/usr/bin/curl", ["--silent", "--max-time", "20", "--write-out", "\n%{http_code}"] + arguments)
        let lines = result.output.split(separator: "\n", omittingEmptySubsequences: false)
        let status = Int(lines.last ?? "") ?? 0
        return Answer(status: status, body: lines.dropLast().joined(separator: "\n"))
    }

    /// GET `url`; blocking.
    static func get(_ url: String) throws -> Answer { try curl([url]) }
}

/// A Python script run off the pool; returns its standard output, throwing with stderr on failure.
func python(_ script: String, _ arguments: [String] = []) async throws -> String {
    let result = try await offThePool { try TestSupport.run("/usr/bin/env", ["python3", "-c", script] + arguments) }
    guard result.status == 0 else { throw WorldError(message: "python failed: \(result.error)") }
    return result.output
}

/// The `"host":"host-N"` of a RuntimeProbe report, as N.
func reportedHost(_ body: String) -> Int? {
    guard let range = body.range(of: "\"host\":\"host-") else { return nil }
    return Int(body[range.upperBound...].prefix { $0.isNumber })
}

/// An integer member `name` of a flat JSON report.
func reportedInt(_ name: String, _ body: String) -> Int? {
    guard let range = body.range(of: "\"\(name)\":") else { return nil }
    return Int(body[range.upperBound...].prefix { $0.isNumber || $0 == "-" })
}
