import Foundation
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// A `schwab-mcp up` child with a configuration of its own: a temporary folder holding
/// `wrangler.toml`, the data and socket folders, free ports for the router and the sandbox.
final class UpStack: Sendable {
    let folder: URL
    let routerPort: Int
    let sandboxPort: Int
    let child: ChildProcess

    var configPath: String { folder.appendingPathComponent("wrangler.toml").path }
    var socketDir: String { folder.appendingPathComponent("sockets").path }
    var dataDir: String { folder.appendingPathComponent("data").path }

    /// `curl` against the router: `method` on `path`; returns status line-less body and exit status.
    func request(_ method: String, _ path: String) async throws -> CommandResult {
        try await TestSupport.run(
            "/usr/bin/curl", ["-sS", "--max-time", "60", "-X", method, "http://127.0.0.1:\(routerPort)\(path)"])
    }

    /// Writes the configuration (`extraRuntime` lines go into `[runtime]`) and starts `up`.
    init(
        hosts: Int = 2, extraRuntime: String = "", arguments: [String] = [], occupy: (Int, Int) -> Void = { _, _ in }
    )
        throws
    {
        folder = try TestSupport.temporaryDirectory("up")
        routerPort = TestSupport.freePort()
        sandboxPort = TestSupport.freePort()
        let toml = """
            name = "up-test"
            [runtime]
            public_url = "http://127.0.0.1:\(routerPort)"
            listen_address = "127.0.0.1"
            port = \(routerPort)
            hosts = \(hosts)
            auth = "none"
            shutdown_grace = "5s"
            socket_dir = "\(folder.path)/sockets"
            data_dir = "\(folder.path)/data"
            \(extraRuntime)
            """
        try toml.write(to: folder.appendingPathComponent("wrangler.toml"), atomically: true, encoding: .utf8)
        occupy(routerPort, sandboxPort)
        child = try ChildProcess(
            [
                "up", "--config", folder.appendingPathComponent("wrangler.toml").path, "--sandbox-port",
                String(sandboxPort), "--demo-routes",
            ]
                + arguments,
            logDirectory: folder)
    }

    /// Every JSON log line `up` and its children wrote so far, as objects.
    var records: [[String: Any]] {
        child.stderrText.split(separator: "\n").compactMap { line in
            guard line.hasPrefix("{"), let data = line.data(using: .utf8) else { return nil }
            return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        }
    }

    /// The supervisor's own records (logger `up`) with message `message`.
    func supervisorRecords(_ message: String) -> [[String: Any]] {
        records.filter { $0["logger"] as? String == "up" && $0["msg"] as? String == message }
    }

    /// The pids `up` reported starting for `process`, in order.
    func startedPids(_ process: String) -> [Int32] {
        supervisorRecords("started").filter { $0["process"] as? String == process }.compactMap {
            ($0["pid"] as? Int).map(Int32.init)
        }
    }

    /// True once the banner is out (everything started and ready).
    var isUp: Bool { child.stderrText.contains("schwab-mcp is up") }

    deinit {
        if child.isRunning { kill(child.pid, SIGKILL) }
        try? FileManager.default.removeItem(at: folder)
    }
}

/// True when `pid` no longer runs (gone, or a zombie waiting for a parent that died).
func processIsGone(_ pid: Int32) -> Bool {
    guard kill(pid, 0) == 0 else { return true }
    let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
    guard let close = stat.lastIndex(of: ")") else { return true }
    return stat[stat.index(close, offsetBy: 2)] == "Z"
}

/// A TCP listener on 127.0.0.1:`port` held open until `close`, so something else finds it taken.
func occupyPort(_ port: Int) -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = UInt16(port).bigEndian
    _ = withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    listen(fd, 1)
    return fd
}
