import Foundation
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// A real `schwab-mcp kv` child on a socket and database in its own temporary folder.
///
/// Tests start, kill and restart it by pid; the folder is removed when the value goes away.
final class KVServiceProcess: @unchecked Sendable {
    // Confined to the test that owns it: tests never share one.
    let folder: URL
    let socketPath: String
    let databasePath: String
    let namespaces: String
    private(set) var child: ChildProcess?

    init(namespaces: String = "TOKENS,STATE") throws {
        folder = try TestSupport.temporaryDirectory("kv")
        socketPath = folder.appendingPathComponent("kv.sock").path
        databasePath = folder.appendingPathComponent("kv.sqlite").path
        self.namespaces = namespaces
    }

    /// Starts the service and waits until it accepts connections.
    func start(extra: [String] = []) async throws {
        let child = try ChildProcess(
            ["kv", "--socket", socketPath, "--db", databasePath, "--namespaces", namespaces, "--log-level", "debug"]
                + extra, logDirectory: folder)
        self.child = child
        guard
            await TestSupport.waitUntil(
                timeout: TestSupport.hangTimeout, { RawSocket.canConnect(socketPath) || !child.isRunning }),
            child.isRunning
        else {
            throw KVTestFailure("kv did not start: \(child.stderrText)")
        }
    }

    /// Everything every child wrote to stderr so far (all starts included).
    var logText: String {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return files.filter { $0.hasSuffix(".stderr") }.sorted()
            .compactMap { try? String(contentsOfFile: folder.appendingPathComponent($0).path, encoding: .utf8) }
            .joined()
    }

    deinit {
        child?.stop()
        try? FileManager.default.removeItem(at: folder)
    }
}

/// A test precondition that did not hold.
struct KVTestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A raw Unix-socket connection for sending bytes no well-behaved client would send.
///
/// `@unchecked Sendable`: a test hands it to one `blocking` thread at a time and awaits that
/// thread, so no two threads use it at once; the descriptor is set once in `init`.
final class RawSocket: @unchecked Sendable {
    let fd: Int32

    /// Connects to the socket at `path`. The descriptor is stored only once connected: a class
    /// whose init throws after every property is set still runs `deinit`, which would close the
    /// number a second time, by then perhaps another thread's socket or pipe.
    init(path: String) throws {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            let bytes = Array(path.utf8)
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard rc == 0 else {
            let failure = errno
            close(fd)
            throw KVTestFailure("connect to \(path) failed: errno \(failure)")
        }
        self.fd = fd
        var timeout = timeval(tv_sec: Int(TestSupport.hangTimeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    static func canConnect(_ path: String) -> Bool { (try? RawSocket(path: path)) != nil }

    func send(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Reads until the peer closes (returns what arrived) or `TestSupport.hangTimeout` seconds pass (returns nil).
    func readToEnd() -> [UInt8]? {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n == 0 { return received }
            if n < 0 { return errno == ECONNRESET ? received : nil }
            received += buffer[0..<n]
        }
    }

    deinit { close(fd) }
}
