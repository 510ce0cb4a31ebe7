/// A failure of the KV service or its client: a code a program can switch on and a message a
/// person can act on.
///
/// The code travels on the wire (one byte, see `KVWire`), so a caller in another process sees the
/// same code the store raised. Codes are an open set (`Code` is a struct, not an enum) so a newer
/// service can add one without breaking older clients.
public struct KVError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is; its raw value is the byte sent on the wire.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The byte sent on the wire.
        public let rawValue: UInt8
        /// The code for a wire byte; unknown bytes stay distinct codes (printed as `error_N`).
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        /// A request field is out of range or ill-formed (empty key, TTL under one second, bad cursor).
        public static let invalidArgument = Code(rawValue: 1)
        /// The key is longer than `KVLimits.maximumKeyBytes` (Workers KV's 512-byte limit).
        public static let keyTooLong = Code(rawValue: 2)
        /// The value is larger than `KVLimits.maximumValueBytes` (Workers KV's 25 MiB limit).
        public static let valueTooLarge = Code(rawValue: 3)
        /// The metadata is larger than `KVLimits.maximumMetadataBytes` (Workers KV's 1024-byte limit).
        public static let metadataTooLarge = Code(rawValue: 4)
        /// The namespace is not one the service was started with.
        public static let unknownNamespace = Code(rawValue: 5)
        /// A compare-and-swap failed: the key's current version is not the one the caller expected.
        public static let conflict = Code(rawValue: 6)
        /// The peer sent bytes that do not follow `KVWire` (the connection is closed).
        public static let protocolError = Code(rawValue: 7)
        /// The service cannot be reached (not running, restarting, or the connection dropped).
        public static let unavailable = Code(rawValue: 8)
        /// SQLite reported a failure (disk full, I/O error, corrupt file).
        public static let storageFailure = Code(rawValue: 9)
        /// The request names an operation this service does not know (a newer client).
        public static let unknownOperation = Code(rawValue: 10)
        /// A frame's length prefix exceeds `KVFrameDecoder.maximumFrameLength`.
        public static let frameTooLarge = Code(rawValue: 11)

        /// The code's name as it appears in messages and logs.
        public var description: String {
            switch self {
            case .invalidArgument: "invalid_argument"
            case .keyTooLong: "key_too_long"
            case .valueTooLarge: "value_too_large"
            case .metadataTooLarge: "metadata_too_large"
            case .unknownNamespace: "unknown_namespace"
            case .conflict: "conflict"
            case .protocolError: "protocol_error"
            case .unavailable: "unavailable"
            case .storageFailure: "storage_failure"
            case .unknownOperation: "unknown_operation"
            case .frameTooLarge: "frame_too_large"
            default: "error_\(rawValue)"
            }
        }
    }

    /// What kind of failure this is.
    public let code: Code
    /// What happened and, where possible, what to do about it.
    public let message: String

    /// Makes an error with `code` and a message for a person.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`, as the command line prints it.
    public var description: String { "\(code): \(message)" }
}
