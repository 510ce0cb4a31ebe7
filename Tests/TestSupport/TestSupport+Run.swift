import Foundation

/// The outcome of a command run to completion by `TestSupport.run`.
public typealias CommandResult = (status: Int32, output: String, error: String)

extension TestSupport {
    /// Runs a command to completion and returns its exit status, standard output and standard
    /// error. The child runs and is waited for on a dedicated thread (`blocking`), so no thread of
    /// the cooperative pool is held while it runs: a long curl or python run cannot starve the
    /// async work of other tests in the same process.
    public static func run(
        _ executable: String, _ arguments: [String], input: String? = nil
    ) async throws -> CommandResult {
        try await blocking { try runToCompletion(executable, arguments, input: input) }
    }

    /// The blocking body of `run`: starts the child, feeds `input`, drains stdout and stderr
    /// together (stderr on a second thread, so a chatty child never fills one pipe while we wait
    /// on the other), and reaps it.
    private static func runToCompletion(
        _ executable: String, _ arguments: [String], input: String?
    ) throws -> CommandResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        let inp = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input == nil ? FileHandle.nullDevice : inp
        try process.run()
        let errorReader = PipeDrain(err.fileHandleForReading)
        if let input {
            inp.fileHandleForWriting.write(Data(input.utf8))
            try inp.fileHandleForWriting.close()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = errorReader.wait()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: outData, as: UTF8.self),
            String(decoding: errData, as: UTF8.self)
        )
    }
}

/// Reads a pipe to EOF on a thread of its own; `wait()` returns the bytes.
///
/// `@unchecked Sendable`: `data` is written once by the reader thread before it signals `done`,
/// and read only after `wait()` has seen that signal.
private final class PipeDrain: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        let thread = Thread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
        thread.start()
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}
