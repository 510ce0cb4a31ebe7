/// A failure of a cryptographic operation: a stable code for programs and a message for people.
///
/// Messages never contain key material, plaintext or tags: they say which input was wrong and
/// what was expected, so an operator can act on them without leaking a secret into a log line.
public struct CryptoError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, as a stable identifier that callers can switch on.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// The identifier as text, stable across releases (for logs and metrics).
        public let rawValue: String
        /// Wraps an identifier; other modules may add codes of their own.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The identifier itself.
        public var description: String { rawValue }

        /// A key had the wrong length for the algorithm.
        public static let invalidKeyLength = Code(rawValue: "invalid_key_length")
        /// A nonce (IV) had an unusable length.
        public static let invalidNonceLength = Code(rawValue: "invalid_nonce_length")
        /// An authentication tag had the wrong length.
        public static let invalidTagLength = Code(rawValue: "invalid_tag_length")
        /// A requested output length is outside what the algorithm can produce.
        public static let invalidOutputLength = Code(rawValue: "invalid_output_length")
        /// A sealed box is shorter than nonce plus tag, so it cannot be a box this module made.
        public static let truncated = Code(rawValue: "truncated")
        /// Authentication failed: the ciphertext, nonce, tag, associated data or key is not the
        /// one used when sealing. Deliberately one code for all of them (no oracle).
        public static let authenticationFailed = Code(rawValue: "authentication_failed")
        /// OpenSSL reported an internal failure (allocation, provider unavailable).
        public static let library = Code(rawValue: "library_failure")
    }

    /// The stable identifier of the failure.
    public let code: Code
    /// What happened and what to do about it, free of secrets.
    public let message: String

    /// Makes an error with a code and a message a person can act on.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`, for logs.
    public var description: String { "\(code): \(message)" }
}
