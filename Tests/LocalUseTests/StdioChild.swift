import EdgeCore
import Foundation
import Synchronization
import TestSupport

/// `schwab-mcp stdio` as a desktop client runs it: pipes on its standard input and output, its
/// standard error (logs) to a file. Output lines are collected by a reader thread.
/// `@unchecked Sendable`: `process` and the pipes are set once in init; `lines` is behind a Mutex.
final class StdioChild: @unchecked Sendable {
    let process: Process
    private let input: FileHandle
    private let collected = Collected()
    let stderrPath: URL

    init(world: LocalWorld, extra: [String] = []) throws {
        // A write to a server that has exited must fail with EPIPE, not kill the test process.
        signal(SIGPIPE, SIG_IGN)
        process = Process()
        let (executable, arguments) = world.command(["stdio", "--config", world.configPath] + extra)
        process.executableURL = executable
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        for (key, value) in world.environment() { environment[key] = value }
        process.environment = environment
        let stdin = Pipe()
        let stdout = Pipe()
        stderrPath = world.folder.appendingPathComponent("stdio-\(UUID().uuidString.prefix(6)).stderr")
        _ = FileManager.default.createFile(atPath: stderrPath.path, contents: nil)
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = try FileHandle(forWritingTo: stderrPath)
        input = stdin.fileHandleForWriting
        try process.run()
        let reader = stdout.fileHandleForReading
        let thread = Thread { [collected] in
            var pending = Data()
            while true {
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                pending.append(chunk)
                while let newline = pending.firstIndex(of: 0x0A) {
                    let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                    pending.removeSubrange(pending.startIndex...newline)
                    collected.lines.withLock { $0.append(line) }
                }
            }
            collected.ended.withLock { $0 = true }
        }
        thread.start()
    }

    /// Writes one line (a newline is added).
    func send(_ line: String) { input.write(Data((line + "\n").utf8)) }

    /// Sends a request object.
    func request(_ id: Int, _ method: String, _ params: String = "{}") {
        send("{\"jsonrpc\":\"2.0\",\"id\":\(id),\"method\":\"\(method)\",\"params\":\(params)}")
    }

    /// Closes standard input (how a client asks the server to exit).
    func closeInput() { try? input.close() }

    /// Every line written to standard output so far.
    var output: [String] { collected.lines.withLock { $0 } }

    /// Whether standard output reached end of file.
    var outputEnded: Bool { collected.ended.withLock { $0 } }

    /// The first output message (parsed) that `matches`, waiting up to `timeout` seconds.
    func message(timeout: Double = TestSupport.hangTimeout, where matches: (JSONValue) -> Bool) async -> JSONValue? {
        var found: JSONValue?
        _ = await eventually(timeout: timeout) {
            found = output.compactMap { try? JSONValue.parse(Array($0.utf8)) }.first(where: matches)
            return found != nil
        }
        return found
    }

    /// The answer to request `id`.
    func answer(_ id: Int, timeout: Double = TestSupport.hangTimeout) async -> JSONValue? {
        await message(timeout: timeout) { $0["id"]?.intValue == id }
    }

    /// Initializes the session at `version` and sends `notifications/initialized`.
    func initialize(version: String = "2025-11-25", capabilities: String = "{}") async -> JSONValue? {
        request(
            0, "initialize",
            "{\"protocolVersion\":\"\(version)\",\"capabilities\":\(capabilities),\"clientInfo\":{\"name\":\"swift-test\"}}"
        )
        let answer = await self.answer(0)
        send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}")
        return answer
    }

    var stderrText: String { (try? String(contentsOf: stderrPath, encoding: .utf8)) ?? "" }

    /// Waits for the process to exit by itself; its status, or nil.
    func waitForExit(timeout: Double = TestSupport.hangTimeout) async -> Int32? {
        await eventually(timeout: timeout) { !process.isRunning } ? process.terminationStatus : nil
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}

/// What the reader thread gathered from standard output.
private final class Collected: Sendable {
    let lines = Mutex<[String]>([])
    let ended = Mutex(false)
}
