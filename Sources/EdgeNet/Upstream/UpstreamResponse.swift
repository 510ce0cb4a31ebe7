import EdgeHTTP

/// A complete upstream response: status, every header field as received, and the body.
///
/// Headers keep their order, their spelling and their repetitions (`Set-Cookie`), because
/// Schwab returns meaning in them: a new order's id in `Location`, a request's correlation id in
/// `Schwab-Client-CorrelId`.
public struct UpstreamResponse: Sendable {
    /// The status code of the final response (1xx interim responses are skipped).
    public var status: Int
    /// Every header field of the final response, names as sent.
    public var headers: HTTPHeaders
    /// The body, decoded from `Content-Encoding` when the client asked for compression.
    public var body: [UInt8]

    /// Makes a response from its parts.
    public init(status: Int, headers: HTTPHeaders, body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of header `name` (case-insensitive), or nil.
    public func header(_ name: String) -> String? { headers[name] }

    /// The body as UTF-8 text (invalid sequences replaced).
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// True for 2xx statuses.
    public var isSuccess: Bool { (200..<300).contains(status) }
}
