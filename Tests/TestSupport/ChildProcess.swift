import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A real child process for tests: started with arguments and environment, its stderr captured
/// to a file, stopped by pid (SIGTERM, then SIGKILL) when the test is done.
///
/// Waiting is async (`waitForExit`, `terminate`, `killHard`) so a test body never holds a
/// cooperative-pool thread while a child runs or drains; only the bounded `stop()` blocks, for
/// `defer` and `deinit`, which cannot `await`.
public final class ChildProcess: @unchecked Sendable {
    // Confined: `process` is created in init and only read afterwards; Foundation's Process is
    // itself thread-safe for terminate/waitUntilExit.
    public let process: Process
    /// Where the child's standard error goes (structured logs).
    public let stderrPath: URL
    /// Where the child's standard output goes.
    public let stdoutPath: URL

    /// Starts `executable` (default: the built `schwab-mcp`) with `arguments`.
    public init(
        _ arguments: [String], executable: URL = TestSupport.binary, environment: [String: String] = [:],
        logDirectory: URL? = nil, currentDirectory: URL? = nil
    ) throws {
        let dir = try logDirectory ?? TestSupport.temporaryDirectory("child-logs")
        let name = arguments.first ?? "child"
        let stamp = UUID().uuidString.prefix(6)
        stderrPath = dir.appendingPathComponent("\(name)-\(stamp).stderr")
        stdoutPath = dir.appendingPathComponent("\(name)-\(stamp).stdout")
        _ = FileManager.default.createFile(atPath: stderrPath.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stdoutPath.path, contents: nil)
        process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        process.standardError = try FileHandle(forWritingTo: stderrPath)
        process.standardOutput = try FileHandle(forWritingTo: stdoutPath)
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    /// The child's process id, for signals.
    public var pid: Int32 { process.processIdentifier }
    /// Whether the child has not exited yet (a quick check; never blocks).
    public var isRunning: Bool { process.isRunning }

    /// Sends `signal` to the child.
    public func signal(_ signal: Int32) { kill(pid, signal) }

    /// SIGKILL, and waits (without holding a pool thread) until the exit is seen.
    ///
    /// SIGKILL cannot be caught, so the wait ends as soon as the kernel reaps the child.
    public func killHard() async {
        signal(SIGKILL)
        while process.isRunning { try? await Task.sleep(for: .milliseconds(10)) }
    }

    /// SIGTERM, waits up to `grace` seconds for a clean exit, then SIGKILL; returns the exit
    /// status (the signal number's status when it had to be killed). For test bodies: it polls
    /// with `Task.sleep`, so no thread of the cooperative pool is held while the child drains.
    @discardableResult
    public func terminate(grace: Double = TestSupport.hangTimeout) async -> Int32 {
        guard process.isRunning else { return process.terminationStatus }
        signal(SIGTERM)
        if await waitForExit(timeout: grace) == nil { await killHard() }
        return process.terminationStatus
    }

    /// Waits for the child to exit by itself, up to `timeout` seconds; nil if it did not. Polls
    /// with `Task.sleep`, so no thread of the cooperative pool is held while waiting.
    public func waitForExit(timeout: Double = TestSupport.hangTimeout) async -> Int32? {
        let exited = await eventually(timeout: timeout) { !process.isRunning }
        return exited ? process.terminationStatus : nil
    }

    /// Cleanup only (`defer`, `deinit`): SIGTERM, up to 2 s of grace, then SIGKILL. It blocks the
    /// calling thread for at most about 2 s, which is why test bodies use `terminate(grace:)`
    /// instead; `defer` cannot `await`, and a child must never outlive its test.
    @discardableResult
    public func stop() -> Int32 {
        guard process.isRunning else { return process.terminationStatus }
        signal(SIGTERM)
        let deadline = Date().addingTimeInterval(2)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning {
            signal(SIGKILL)
            process.waitUntilExit()
        }
        return process.terminationStatus
    }

    /// Everything the child wrote to stderr so far.
    public var stderrText: String { (try? String(contentsOf: stderrPath, encoding: .utf8)) ?? "" }
    /// Everything the child wrote to stdout so far.
    public var stdoutText: String { (try? String(contentsOf: stdoutPath, encoding: .utf8)) ?? "" }

    deinit { if process.isRunning { stop() } }
}

/// The ports `freePort()` handed out in this test process, so it never gives the same one twice.
/// Test plumbing: one per process, behind a lock.
private let handedOutPorts = Mutex<Set<Int>>([])

extension TestSupport {
    /// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0 and released), and
    /// never one this process was given before: the kernel may hand the same free port to two
    /// calls in a row, and a test that asked for two ports (router and sandbox) then has both
    /// processes fight over one.
    public static func freePort() -> Int {
        for _ in 0..<100 {
            let port = kernelFreePort()
            if handedOutPorts.withLock({ $0.insert(port).inserted }) { return port }
        }
        return kernelFreePort()
    }

    private static func kernelFreePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) }
        }
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    /// Polls `condition` until it holds or `timeout` seconds pass; returns whether it held. The
    /// same as `eventually`: async, so waiting never holds a cooperative-pool thread. For waiting
    /// on a child to come up, never for asserting how fast something is.
    public static func waitUntil(timeout: Double = TestSupport.hangTimeout, _ condition: () -> Bool) async -> Bool {
        await eventually(timeout: timeout, condition)
    }

    /// True when something accepts TCP connections on 127.0.0.1:`port`.
    public static func isListening(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = UInt16(port).bigEndian
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return rc == 0
    }
}
