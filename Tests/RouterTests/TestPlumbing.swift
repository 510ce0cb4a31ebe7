import Foundation
import TestSupport

/// Polls an async `condition` every 20 ms until it holds or `timeout` seconds pass, without
/// holding a pool thread (for conditions that ask a process over HTTP). For waiting, never for
/// asserting speed.
func eventuallyAnswers(timeout: Double = TestSupport.hangTimeout, _ condition: @Sendable () async -> Bool) async -> Bool
{
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return await condition()
}

/// HTTP through curl, run off the pool by `TestSupport.run`.
enum HTTP {
    /// A request's outcome.
    struct Answer: Sendable {
        let status: Int
        let body: String
    }

    /// `curl` with `arguments`; `--insecure` so the TLS test's self-signed certificate passes.
    static func curl(_ arguments: [String]) async throws -> Answer {
        let result = try await TestSupport.run(
            "/usr/bin/curl",
            ["--silent", "--insecure", "--max-time", "60", "--write-out", "\n%{http_code}"] + arguments)
        let lines = result.output.split(separator: "\n", omittingEmptySubsequences: false)
        let status = Int(lines.last ?? "") ?? 0
        return Answer(status: status, body: lines.dropLast().joined(separator: "\n"))
    }

    /// GET `url`.
    static func get(_ url: String) async throws -> Answer { try await curl([url]) }

    /// POST to `url` with no body.
    static func post(_ url: String) async throws -> Answer { try await curl(["-X", "POST", url]) }
}

/// A Python script's standard output, throwing with its stderr when it fails.
func python(_ script: String, _ arguments: [String] = []) async throws -> String {
    let result = try await TestSupport.run("/usr/bin/env", ["python3", "-c", script] + arguments)
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
