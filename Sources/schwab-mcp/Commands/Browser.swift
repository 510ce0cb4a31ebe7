import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Opens a URL in the desktop's browser with `xdg-open`, when there is one.
enum Browser {
    /// True when `xdg-open` was found and started (it may still fail to show anything).
    static func open(_ url: String) -> Bool {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        var found: String?
        for folder in path.split(separator: ":") where found == nil {
            let candidate = String(folder) + "/xdg-open"
            if access(candidate, X_OK) == 0 { found = candidate }
        }
        guard let tool = found else { return false }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = [url]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        return (try? process.run()) != nil
    }
}
