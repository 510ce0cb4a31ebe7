import Foundation

/// Shared plumbing for tests that use real processes, sockets and files.
public enum TestSupport {
    /// Seconds a test waits for something that should happen (a child to start or exit, a server
    /// to settle, an answer to arrive) before it calls it a hang and fails.
    ///
    /// Why one generous number: these waits end as soon as their event happens, so the bound is
    /// only reached when something is broken. A short bound (2 s, 10 s) turns a slow but correct
    /// run on a loaded two-core machine into a failure; one that is too long only delays the report
    /// of a real hang. Tests never assert speed (timing belongs in `scripts/bench`).
    public static let hangTimeout: Double = 60

    /// The package's top folder, found from this source file's location.
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The built `schwab-mcp` binary: `SCHWAB_MCP_BIN` when set, else the debug build folder.
    public static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["SCHWAB_MCP_BIN"] { return URL(fileURLWithPath: path) }
        return packageRoot.appendingPathComponent(".build/debug/schwab-mcp")
    }

    /// A new empty folder under the system's temporary folder; the caller removes it.
    public static func temporaryDirectory(_ prefix: String = "schwab-mcp-test") throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
