/// The size limits a request must stay within, each answered with its own status.
///
/// The defaults follow common servers: a request line over 8 KiB is 414 (RFC 9110 §15.5.15), a
/// header section over 32 KiB or 100 fields is 431 (RFC 6585 §5), a body over 1 MiB is 413
/// (RFC 9110 §15.5.14). The body limit can be changed per request with
/// `HTTPRequestParser.setBodyLimit(_:)` once the head is known.
public struct HTTPParserLimits: Sendable, Equatable {
    /// Longest request line, without its CRLF, in bytes (414 beyond).
    public var requestLine: Int
    /// Largest header section (field lines with their CRLFs), in bytes (431 beyond).
    public var headerBytes: Int
    /// Most header fields (431 beyond). Trailer fields have the same two limits of their own.
    public var headerCount: Int
    /// Largest request body after chunked decoding, in bytes (413 beyond).
    public var body: Int

    /// Limits with the defaults spelled out above; change any of them by name.
    public init(requestLine: Int = 8192, headerBytes: Int = 32768, headerCount: Int = 100, body: Int = 1 << 20) {
        self.requestLine = requestLine
        self.headerBytes = headerBytes
        self.headerCount = headerCount
        self.body = body
    }

    /// 8 KiB request line, 32 KiB and 100 header fields, 1 MiB body.
    public static let `default` = HTTPParserLimits()
}

/// Why a request was refused: the status to answer with and a reason a person can act on.
///
/// Every parse error ends the connection: after malformed framing the next request's start is
/// unknowable (RFC 9112 §11.2, request smuggling), so the server answers `status` with
/// `Connection: close` and closes.
public struct HTTPParseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The status to answer with (400, 413, 414, 431, 501 or 505).
    public let status: HTTPStatus
    /// What was wrong, in words: "both Content-Length and Transfer-Encoding".
    public let reason: String

    /// An error with its status and reason.
    public init(status: HTTPStatus, reason: String) {
        self.status = status
        self.reason = reason
    }

    /// "400 Bad Request: both Content-Length and Transfer-Encoding".
    public var description: String { "\(status): \(reason)" }

    static func badRequest(_ reason: String) -> HTTPParseError { HTTPParseError(status: .badRequest, reason: reason) }
}

extension HTTPStatus {
    /// 505: the request's HTTP major or minor version is not one this server speaks (RFC 9110 §15.6.6).
    public static let httpVersionNotSupported = HTTPStatus(505)
    /// 100: the client may send the body it announced with `Expect: 100-continue` (RFC 9110 §15.2.1).
    public static let `continue` = HTTPStatus(100)
    /// 417: the `Expect` field held something other than `100-continue` (RFC 9110 §10.1.1).
    public static let expectationFailed = HTTPStatus(417)
    /// 415: the body is not in a format this endpoint reads (RFC 9110 §15.5.16).
    public static let unsupportedMediaType = HTTPStatus(415)
}
