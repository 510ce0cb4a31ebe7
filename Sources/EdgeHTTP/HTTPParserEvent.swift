/// What the request parser found in the bytes it was given.
///
/// A message is `.head`, then zero or more `.body` pieces, then `.end`; after `.end` the next
/// request may follow on the same connection (pipelining, RFC 9112 §9.3.2).
public enum HTTPParserEvent: Equatable, Sendable {
    /// The head is complete; body events follow.
    case head(HTTPRequestHead)
    /// A piece of the body (any size, never empty), already de-chunked.
    case body([UInt8])
    /// The message is complete; the next request may follow (pipelining).
    case end
    /// The parser is dead: answer with `error.status` and close the connection. Reported once;
    /// afterwards `next()` returns nil and appended bytes are dropped.
    case error(HTTPParseError)
}
