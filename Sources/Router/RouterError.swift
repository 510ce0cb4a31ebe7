/// Why the router refused to start or to forward a request, with a message a person can act on.
///
/// Start-up errors (`authNotLoopback`, `authNotAvailable`, `listenFailed`) stop the process with
/// exit status 1; forwarding errors become a `502`/`503` answer whose body is the message.
public struct RouterError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, for code that reacts to it.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The code's name, as logged.
        public let rawValue: String
        /// Makes a code from its name.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The code's name.
        public var description: String { rawValue }

        /// `auth = "none"` on an address other than loopback: anyone on the network would be the user.
        public static let authNotLoopback = Code(rawValue: "auth_not_loopback")
        /// `auth = "oauth"` is configured but cannot run: secrets or the `OAUTH_KV` binding are missing.
        public static let authNotAvailable = Code(rawValue: "auth_not_available")
        /// The HTTP listener could not start.
        public static let listenFailed = Code(rawValue: "listen_failed")
        /// No session host is live, or every host in the object's ranking refused it.
        public static let noHost = Code(rawValue: "no_host")
        /// The host went away after the request was sent and the method is not safe to repeat.
        public static let hostLost = Code(rawValue: "host_lost")
    }

    /// What went wrong.
    public let code: Code
    /// What happened and what to do about it.
    public let message: String

    /// Makes an error from its parts.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`, for logs.
    public var description: String { "\(code): \(message)" }
}
