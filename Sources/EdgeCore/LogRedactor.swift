/// The redaction rules every log record passes through (see `Logger`).
///
/// Placeholder rules; the full set (secret keys, Bearer tokens anywhere, account numbers masked to
/// their last three digits) is specified in issue 2.
public enum LogRedactor {
    /// The text that replaces a secret.
    public static let redacted = "[REDACTED]"

    /// Redacts a field's value according to its key and its content.
    public static func redact(key: String, value: JSONValue) -> JSONValue { value }

    /// Redacts secrets that appear inside free text.
    public static func redact(text: String) -> String { text }
}
