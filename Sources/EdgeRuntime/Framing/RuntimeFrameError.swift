/// A violation of the router<->host framing: the connection that produced it cannot be trusted
/// any further and is closed (like an HTTP/2 connection error, RFC 9113 §5.4.1).
public struct RuntimeFrameError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, for code that reacts to it.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The code's name, as logged.
        public let rawValue: String
        /// Makes a code from its name.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The code's name.
        public var description: String { rawValue }

        /// The length field exceeds the maximum frame size (RFC 9113 §4.2 FRAME_SIZE_ERROR).
        public static let frameTooLarge = Code(rawValue: "frame_too_large")
        /// The type byte names no frame type.
        public static let unknownType = Code(rawValue: "unknown_type")
        /// The payload does not decode as its type says, or has bytes left over.
        public static let malformedPayload = Code(rawValue: "malformed_payload")
        /// A stream frame on stream 0, or a connection frame on another stream.
        public static let invalidStream = Code(rawValue: "invalid_stream")
        /// A window increment of 0 (RFC 9113 §6.9) or one that overflows 2^31-1 (§6.9.1).
        public static let flowControl = Code(rawValue: "flow_control")
    }

    /// What went wrong.
    public let code: Code
    /// What happened and what was expected, for the log.
    public let message: String

    /// Makes an error from its code and message.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`, for logs.
    public var description: String { "\(code): \(message)" }
}
