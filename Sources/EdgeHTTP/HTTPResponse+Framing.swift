/// Choosing how a response goes on the wire, so every server writes it the same way.
extension HTTPResponse {
    /// The framing of this response to `request` (RFC 9112 §6.3): known bytes get
    /// `Content-Length`; a stream is chunked for HTTP/1.1 and close-delimited for HTTP/1.0, which
    /// has no chunked coding. A HEAD response keeps the length a GET would have (RFC 9110 §9.3.2).
    public func framing(for request: HTTPRequestHead) -> HTTPResponseFraming {
        switch body {
        case .bytes(let bytes): .length(bytes.count)
        case .stream: request.version == .http1_0 ? .closeDelimited : .chunked
        }
    }

    /// Whether body bytes follow the head: never for HEAD, 1xx, 204 or 304 (RFC 9110 §6.4.1).
    public func carriesBody(for request: HTTPRequestHead) -> Bool {
        request.method != .head && status.code >= 200 && status.code != 204 && status.code != 304
    }

    /// Whether the connection stays open after this response: the request allows it, and the
    /// body does not end by closing.
    public func keepsAlive(for request: HTTPRequestHead) -> Bool {
        request.keepAlive && !(framing(for: request) == .closeDelimited && carriesBody(for: request))
    }
}
