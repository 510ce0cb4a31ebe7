/// Why the object host could not serve an event, or why an object's storage call failed.
public struct ObjectHostError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, for code that reacts to it.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The code's name, as logged and sent to the router.
        public let rawValue: String
        /// Makes a code from its name.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The code's name.
        public var description: String { rawValue }

        /// Another host holds the object's lease: the router should send the event to the owner.
        public static let notOwner = Code(rawValue: "not_owner")
        /// No class is registered under the requested name.
        public static let unknownClass = Code(rawValue: "unknown_class")
        /// The object's `initialize(context:)` threw.
        public static let activationFailed = Code(rawValue: "activation_failed")
        /// A storage write carried a fencing token older than the object's current lease.
        public static let fenced = Code(rawValue: "fenced")
        /// The KV service failed or was unreachable.
        public static let storageUnavailable = Code(rawValue: "storage_unavailable")
        /// A storage key is empty or too long.
        public static let invalidKey = Code(rawValue: "invalid_key")
        /// The host is shutting down and takes no new events.
        public static let shuttingDown = Code(rawValue: "shutting_down")
    }

    /// What went wrong.
    public let code: Code
    /// What happened, naming the object, and what to do about it.
    public let message: String

    /// Makes an error from its code and message.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`, for logs.
    public var description: String { "\(code): \(message)" }
}
