/// Why a router<->host connection or one of its streams could not carry on.
///
/// A stream error (the peer cancelled, the connection went away) reaches whoever waits on that
/// stream; a connection error closes the connection and reaches every stream still open on it.
public struct RuntimeTransportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, for code that reacts to it.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The code's name, as logged.
        public let rawValue: String
        /// Makes a code from its name.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The code's name.
        public var description: String { rawValue }

        /// Nothing listens on the socket path, or the path is unusable.
        public static let unavailable = Code(rawValue: "unavailable")
        /// A process listens on the socket but its backlog is full: it is alive, retry shortly.
        public static let busy = Code(rawValue: "busy")
        /// The connection closed (EOF, a reset, a framing error, or `close()`).
        public static let connectionClosed = Code(rawValue: "connection_closed")
        /// The peer (or this side) cancelled the stream; `cancelCode` says why.
        public static let cancelled = Code(rawValue: "cancelled")
        /// The peer sent `goAway`: no new streams on this connection.
        public static let goingAway = Code(rawValue: "going_away")
        /// A frame could not be encoded (a head larger than the frame limit, say).
        public static let frameTooLarge = Code(rawValue: "frame_too_large")
    }

    /// What went wrong.
    public let code: Code
    /// What happened, naming the socket or stream, and what to do about it.
    public let message: String
    /// For `.cancelled`: the `RuntimeCancel` code (`RuntimeCancel.notOwner` means "try the next host").
    public let cancelCode: UInt32?

    /// Makes an error from its parts.
    public init(_ code: Code, _ message: String, cancelCode: UInt32? = nil) {
        self.code = code
        self.message = message
        self.cancelCode = cancelCode
    }

    /// `code: message`, for logs.
    public var description: String {
        if let cancelCode { return "\(code)(\(cancelCode)): \(message)" }
        return "\(code): \(message)"
    }
}
