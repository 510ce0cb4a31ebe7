/// Why a JSON text was rejected, with the byte offset where reading stopped.
///
/// The offset counts UTF-8 bytes from 0, so a caller holding the bytes can point at the spot;
/// the message says what was expected (RFC 8259 grammar terms).
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable name for the kind of problem: `syntax`, `unexpectedEnd`, `invalidString`,
    /// `invalidNumber`, `tooDeep`, `trailingData`, `encoding`.
    public let code: String
    /// The byte offset of the problem, from 0.
    public let offset: Int
    /// What is wrong, in words a person can act on.
    public let message: String

    /// An error of kind `code` at byte `offset`.
    public init(code: String, offset: Int, message: String) {
        self.code = code
        self.offset = offset
        self.message = message
    }

    /// The text people read: what `print` and string interpolation show.
    public var description: String { "invalid JSON at byte \(offset): \(message)" }
}
