import EdgeCore
import EdgeHTTP
import EdgeNet
import EdgeRuntime
import Foundation
import Synchronization
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// One test's runtime: a real `schwab-mcp kv` child and `schwab-mcp host` children sharing a
/// temporary socket folder, plus a router-side event loop to speak the transport to them as the
/// router would. Children are stopped by pid and the folder removed when the world goes away.
final class HostWorld: @unchecked Sendable {
    // Confined to the test that owns it: tests never share a world; `hosts` is only touched by
    // that test's task.
    let folder: URL
    let kv: ChildProcess
    let loop: EventLoop
    var hosts: [Int: ChildProcess] = [:]

    init() async throws {
        folder = try TestSupport.temporaryDirectory("host-world")
        kv = try ChildProcess(
            [
                "kv", "--socket", folder.appendingPathComponent("kv.sock").path, "--db",
                folder.appendingPathComponent("kv.sqlite").path,
            ],
            logDirectory: folder)
        loop = try EventLoop(name: "test-router-loop")
        loop.start()
        guard await eventually(timeout: TestSupport.hangTimeout, { RuntimeSocket.isAnswering(path: self.socket("kv")) })
        else {
            throw HostTestFailure("kv did not start (run swift build first): \(kv.stderrText)")
        }
    }

    deinit {
        for child in hosts.values where child.isRunning { child.signal(SIGKILL) }
        if kv.isRunning { kv.signal(SIGKILL) }
        loop.stop()
        try? FileManager.default.removeItem(at: folder)
    }

    /// The path of socket `name` in the world's folder.
    func socket(_ name: String) -> String { folder.appendingPathComponent("\(name).sock").path }

    /// Starts `schwab-mcp host --id number` and waits until its socket answers.
    @discardableResult
    func startHost(_ number: Int, extra: [String] = []) async throws -> ChildProcess {
        let child = try ChildProcess(
            ["host", "--id", "\(number)", "--socket-dir", folder.path, "--log-level", "debug"] + extra,
            logDirectory: folder)
        hosts[number] = child
        let path = socket("host-\(number)")
        guard
            await eventually(
                timeout: TestSupport.hangTimeout, { RuntimeSocket.isAnswering(path: path) || !child.isRunning }),
            child.isRunning
        else { throw HostTestFailure("host \(number) did not start: \(child.stderrText)") }
        return child
    }

    /// Connects to host `number` as the router does.
    func connect(_ number: Int) throws -> RuntimeConnection {
        try RuntimeConnection.connect(path: socket("host-\(number)"), loop: loop)
    }

    /// Sends `signal` to host `number` and waits (without blocking a pool thread) for its exit status.
    func stopHost(_ number: Int, signal: Int32 = SIGTERM) async throws -> Int32 {
        hosts[number]?.signal(signal)
        return try await exitStatus(of: number)
    }

    /// Waits (without blocking a pool thread) for host `number` to exit and returns its status.
    func exitStatus(of number: Int) async throws -> Int32 {
        guard let child = hosts[number] else { throw HostTestFailure("no host \(number)") }
        guard await eventually(timeout: TestSupport.hangTimeout, { !child.isRunning }) else {
            throw HostTestFailure("host \(number) did not exit: \(child.stderrText)")
        }
        return child.process.terminationStatus
    }
}

/// One answer from an object, as the router receives it.
struct ProbeAnswer {
    let status: HTTPStatus
    let headers: HTTPHeaders
    let body: [UInt8]

    /// The body as JSON (the probe answers JSON).
    var json: JSONValue { (try? JSONValue.parse(body)) ?? .null }
    /// A field of the JSON body as an integer.
    func int(_ key: String) -> Int? { json[key]?.intValue }
    /// A field of the JSON body as a string.
    func string(_ key: String) -> String? { json[key]?.stringValue }
}

/// Sends one request for object `id` of `objectClass` over `connection` and reads the whole answer.
func probe(
    _ connection: RuntimeConnection, _ id: String, _ target: String = "/count", method: HTTPMethod = .post,
    objectClass: String = "RuntimeProbe", body: [UInt8] = [], flags: RuntimeFrameFlags = []
) async throws -> ProbeAnswer {
    let head = RuntimeRequestHead(
        head: HTTPRequestHead(method: method, target: target), objectClass: objectClass, objectID: id,
        props: ["userId": id], remoteAddress: "127.0.0.1")
    let stream = try await connection.send(head, body: body, flags: flags)
    let response = try await stream.responseHead()
    var bytes: [UInt8] = []
    while let chunk = try await stream.readChunk() { bytes += chunk }
    return ProbeAnswer(status: response.status, headers: response.headers, body: bytes)
}

/// Asks a host for its `_runtime` status.
func hostStatus(_ connection: RuntimeConnection) async throws -> ProbeAnswer {
    try await probe(connection, "", "/status", method: .get, objectClass: "_runtime")
}

/// Polls an async `condition` (a request to the host) every 20 ms until it holds or `timeout`
/// seconds pass, suspending between tries; a throwing try counts as not yet. For waiting only.
func eventuallyAsync(timeout: Double = TestSupport.hangTimeout, _ condition: () async throws -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if (try? await condition()) == true { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return (try? await condition()) == true
}

/// A test precondition that did not hold.
struct HostTestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A value behind a `Mutex` that `@Sendable` closures can capture.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    /// Runs `body` with the value locked.
    func withLock<R: Sendable>(_ body: (inout sending Value) -> R) -> R { mutex.withLock { body(&$0) } }
}
