/// Why the supervisor could not bring the stack up; the message names the process and what to do.
public struct SupervisorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, for code that reacts to it.
    public enum Code: String, Sendable, Equatable {
        /// The program could not be started at all (missing file, no permission, fork failed).
        case spawnFailed
        /// The process exited before it became ready.
        case exitedBeforeReady
        /// The process ran but never became ready within the timeout.
        case notReady
        /// A port or path the stack needs is taken.
        case resourceBusy
        /// A stop was requested while the stack was still starting.
        case interrupted
    }

    /// What went wrong.
    public var code: Code
    /// A sentence a person can act on.
    public var message: String

    /// An error with `code` and `message`.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
}

/// How a child ended, decoded from `waitpid`'s status word.
public enum ChildExitStatus: Sendable, Equatable, CustomStringConvertible {
    /// It called `exit` with this code.
    case exited(Int32)
    /// A signal ended it.
    case signalled(Int32)

    /// Decodes a raw `waitpid` status (`WIFEXITED`/`WTERMSIG`, which Swift does not import).
    public init(waitStatus: Int32) {
        let signal = waitStatus & 0x7f
        self = signal == 0 ? .exited((waitStatus >> 8) & 0xff) : .signalled(signal)
    }

    /// `exit 1` or `signal 9`.
    public var description: String {
        switch self {
        case .exited(let code): "exit \(code)"
        case .signalled(let signal): "signal \(signal)"
        }
    }
}
