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
        /// A file the stack needs (such as `.dev.vars`) could not be written.
        case fileNotWritable
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
