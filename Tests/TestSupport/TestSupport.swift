import Foundation

/// Shared plumbing for tests that use real processes, sockets and files.
public enum TestSupport {
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
