/// Why an upstream call produced no response, in a form callers can map to MCP errors.
///
/// The message names the host and what failed, never a header value, body or query string:
/// requests to Schwab carry bearer tokens, client secrets and authorization codes, and error
/// messages end up in logs.
public struct UpstreamError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The class of failure: what a caller decides on (retry, report `network_error`, ...).
    public enum Kind: String, Hashable, Sendable {
        /// No connection could be made: refused, unreachable, or the name did not resolve.
        case connect
        /// The connect timeout or the total timeout ran out.
        case timeout
        /// TLS failed: handshake, certificate verification, or the CA bundle.
        case tls
        /// The connection broke or the peer sent something that is not HTTP.
        case network
        /// The URL is malformed or not http/https.
        case invalidURL
        /// The request itself is unusable (a header name or value that would break the framing).
        case invalidRequest
        /// The calling task was cancelled, or the client was shut down.
        case cancelled
    }

    /// The class of failure.
    public let kind: Kind
    /// What happened, with the host, and free of secrets.
    public let message: String

    /// Makes an error of `kind` with a message a person can act on.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// `upstream <kind> error: <message>`, for logs.
    public var description: String { "upstream \(kind.rawValue) error: \(message)" }
}
