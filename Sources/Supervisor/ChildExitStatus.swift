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
