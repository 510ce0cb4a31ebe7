#if canImport(Glibc)
    import Glibc
#endif

/// A failure of the I/O layer: a stable code, the failing call, and a message a person can act on.
public struct NetError: Error, Sendable, CustomStringConvertible, Equatable {
    /// A short stable identifier (`bind_failed`, `tls_certificate`, ...), for logs and tests.
    public let code: String
    /// What went wrong and what to do about it.
    public let message: String

    /// An error with an explicit code and message.
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    /// An error from a system call, with `strerror(errno)` appended.
    public static func system(_ code: String, _ what: String, errno value: Int32 = errno) -> NetError {
        NetError(code: code, message: "\(what): \(String(cString: strerror(value))) (errno \(value))")
    }

    public var description: String { "\(code): \(message)" }
}
