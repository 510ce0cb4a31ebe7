/// An HTTP request method (RFC 9110 §9). Methods are case-sensitive tokens.
public struct HTTPMethod: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The method token exactly as sent (`GET`).
    public let rawValue: String
    /// A method from its token.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// A method from its token.
    public init(_ rawValue: String) { self.rawValue = rawValue }
    /// The token.
    public var description: String { rawValue }

    /// The methods of RFC 9110 §9.3 (and PATCH, RFC 5789) this project routes.
    public static let get = HTTPMethod("GET")
    public static let head = HTTPMethod("HEAD")
    public static let post = HTTPMethod("POST")
    public static let put = HTTPMethod("PUT")
    public static let delete = HTTPMethod("DELETE")
    public static let patch = HTTPMethod("PATCH")
    public static let options = HTTPMethod("OPTIONS")
}

/// HTTP version of a message (RFC 9112 §2.3).
public struct HTTPVersion: Hashable, Sendable, CustomStringConvertible {
    /// The major version (1).
    public let major: Int
    /// The minor version (0 or 1).
    public let minor: Int
    /// A version from its numbers.
    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }
    /// HTTP/1.0 (RFC 1945): no Host required, keep-alive only on request, no chunked coding.
    public static let http1_0 = HTTPVersion(major: 1, minor: 0)
    /// HTTP/1.1 (RFC 9112).
    public static let http1_1 = HTTPVersion(major: 1, minor: 1)
    /// "HTTP/1.1".
    public var description: String { "HTTP/\(major).\(minor)" }
}

/// The request line and header section of a request (RFC 9112 §3, §5).
public struct HTTPRequestHead: Sendable, Equatable {
    /// The request method.
    public var method: HTTPMethod
    /// The request-target exactly as sent (origin-form: path and optional query).
    public var target: String
    /// The HTTP version of the request line.
    public var version: HTTPVersion
    /// The header fields, in arrival order.
    public var headers: HTTPHeaders

    /// A head, as the parser builds it or a test writes it.
    public init(method: HTTPMethod, target: String, version: HTTPVersion = .http1_1, headers: HTTPHeaders = [:]) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
    }

    /// The path part of the target, still percent-encoded.
    public var path: Substring {
        guard let q = target.firstIndex(of: "?") else { return target[...] }
        return target[..<q]
    }

    /// The query part of the target without `?`, still encoded; empty when there is none.
    public var query: Substring {
        guard let q = target.firstIndex(of: "?") else { return "" }
        return target[target.index(after: q)...]
    }

    /// Whether the connection stays open after this exchange (RFC 9112 §9.3): HTTP/1.1 unless
    /// `Connection: close`; HTTP/1.0 only with `Connection: keep-alive`.
    public var keepAlive: Bool {
        let tokens = headers.values("Connection").flatMap { $0.split(separator: ",") }
            .map { $0.trimmingSpaces.lowercased() }
        if version.major == 1 && version.minor == 0 { return tokens.contains("keep-alive") }
        return !tokens.contains("close")
    }
}

/// A complete request: head, body, and what routing learned (path parameters, the peer).
public struct HTTPRequest: Sendable {
    /// The request line and headers.
    public var head: HTTPRequestHead
    /// The whole body, de-chunked.
    public var body: [UInt8]
    /// Values of `:name` segments of the matched route.
    public var parameters: [String: String]
    /// The peer's address as text (`127.0.0.1`, `[::1]`, or `unix`), for logs and rate limits.
    public var remoteAddress: String

    /// A request, as the server assembles it from parser events.
    public init(
        head: HTTPRequestHead, body: [UInt8] = [], parameters: [String: String] = [:], remoteAddress: String = ""
    ) {
        self.head = head
        self.body = body
        self.parameters = parameters
        self.remoteAddress = remoteAddress
    }

    /// The head's method.
    public var method: HTTPMethod { head.method }
    /// The head's header fields.
    public var headers: HTTPHeaders { head.headers }
    /// The path of the target, still percent-encoded.
    public var path: Substring { head.path }
}

/// A response: status, headers, and a body that is either known or streamed.
public struct HTTPResponse: Sendable {
    /// The status line's code and reason.
    public var status: HTTPStatus
    /// Header fields; the framing fields are the encoder's (see `HTTPResponseEncoder`).
    public var headers: HTTPHeaders
    /// The body, known or streamed.
    public var body: Body

    /// The body of a response.
    public enum Body: Sendable {
        /// All bytes known now: sent with `Content-Length`.
        case bytes([UInt8])
        /// Bytes produced over time (Server-Sent Events, proxied streams): sent chunked, each
        /// write flushed when made. The closure runs once the head is sent and returns when the
        /// stream is over; `ResponseStream.isClosed` tells it when the client went away.
        case stream(@Sendable (ResponseStream) async -> Void)
    }

    /// A response with any body.
    public init(status: HTTPStatus = .ok, headers: HTTPHeaders = [:], body: Body = .bytes([])) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A response whose body is known now.
    public init(status: HTTPStatus = .ok, headers: HTTPHeaders = [:], bytes: [UInt8]) {
        self.init(status: status, headers: headers, body: .bytes(bytes))
    }

    /// A `text/plain; charset=utf-8` response.
    public static func text(_ text: String, status: HTTPStatus = .ok) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "text/plain; charset=utf-8"], bytes: Array(text.utf8))
    }

    /// An `application/json` response from JSON text.
    public static func json(_ text: String, status: HTTPStatus = .ok) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "application/json"], bytes: Array(text.utf8))
    }

    /// A `text/html; charset=utf-8` response.
    public static func html(_ text: String, status: HTTPStatus = .ok) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "text/html; charset=utf-8"], bytes: Array(text.utf8))
    }

    /// A redirect with `Location` (302 unless told otherwise).
    public static func redirect(to location: String, status: HTTPStatus = .found) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Location": location])
    }
}

/// The writing end of a streamed response body, handed to `HTTPResponse.Body.stream`.
///
/// Implemented by the server in EdgeNet. `write` returns once the bytes are queued on the
/// connection and suspends while the client is slow to read (back-pressure), so a slow reader
/// never grows memory without bound.
public protocol ResponseStream: Sendable {
    /// Queues bytes and flushes them to the client; false when the client has gone away.
    @discardableResult
    func write(_ bytes: [UInt8]) async -> Bool
    /// True once the client has closed the connection or the server is shutting down.
    var isClosed: Bool { get }
    /// Suspends until the client goes away or the server shuts down.
    func waitUntilClosed() async
}

extension Substring {
    /// The substring without leading and trailing spaces and tabs (RFC 9110 OWS).
    public var trimmingSpaces: Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return s
    }
}
