/// An HTTP request method (RFC 9110 §9). Methods are case-sensitive tokens.
public struct HTTPMethod: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public static let get = HTTPMethod("GET")
    public static let head = HTTPMethod("HEAD")
    public static let post = HTTPMethod("POST")
    public static let put = HTTPMethod("PUT")
    public static let delete = HTTPMethod("DELETE")
    public static let patch = HTTPMethod("PATCH")
    public static let options = HTTPMethod("OPTIONS")
}

/// A response status code and its reason phrase (RFC 9110 §15).
public struct HTTPStatus: Hashable, Sendable, CustomStringConvertible {
    public let code: Int
    public let reason: String
    public init(_ code: Int, _ reason: String? = nil) {
        self.code = code
        self.reason = reason ?? HTTPStatus.standardReason(code)
    }
    public var description: String { "\(code) \(reason)" }

    public static let ok = HTTPStatus(200)
    public static let created = HTTPStatus(201)
    public static let accepted = HTTPStatus(202)
    public static let noContent = HTTPStatus(204)
    public static let found = HTTPStatus(302)
    public static let seeOther = HTTPStatus(303)
    public static let badRequest = HTTPStatus(400)
    public static let unauthorized = HTTPStatus(401)
    public static let forbidden = HTTPStatus(403)
    public static let notFound = HTTPStatus(404)
    public static let methodNotAllowed = HTTPStatus(405)
    public static let requestTimeout = HTTPStatus(408)
    public static let payloadTooLarge = HTTPStatus(413)
    public static let uriTooLong = HTTPStatus(414)
    public static let tooManyRequests = HTTPStatus(429)
    public static let headersTooLarge = HTTPStatus(431)
    public static let internalServerError = HTTPStatus(500)
    public static let notImplemented = HTTPStatus(501)
    public static let badGateway = HTTPStatus(502)
    public static let serviceUnavailable = HTTPStatus(503)
    public static let gatewayTimeout = HTTPStatus(504)

    /// The reason phrases of RFC 9110 §15 for the codes this project sends.
    public static func standardReason(_ code: Int) -> String {
        switch code {
        case 100: "Continue"
        case 101: "Switching Protocols"
        case 200: "OK"
        case 201: "Created"
        case 202: "Accepted"
        case 204: "No Content"
        case 301: "Moved Permanently"
        case 302: "Found"
        case 303: "See Other"
        case 304: "Not Modified"
        case 307: "Temporary Redirect"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 406: "Not Acceptable"
        case 408: "Request Timeout"
        case 409: "Conflict"
        case 411: "Length Required"
        case 413: "Content Too Large"
        case 414: "URI Too Long"
        case 415: "Unsupported Media Type"
        case 417: "Expectation Failed"
        case 422: "Unprocessable Content"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        case 505: "HTTP Version Not Supported"
        default: "Status \(code)"
        }
    }
}

/// Header fields in arrival order. Names compare case-insensitively (RFC 9110 §5.1); a name may
/// repeat, and `values(_:)` returns every occurrence.
public struct HTTPHeaders: Sendable, Sequence, ExpressibleByDictionaryLiteral, Equatable {
    public private(set) var fields: [(name: String, value: String)]

    public init() { fields = [] }
    public init(_ fields: [(String, String)]) { self.fields = fields.map { (name: $0.0, value: $0.1) } }
    public init(dictionaryLiteral elements: (String, String)...) { self.init(elements) }

    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.fields.count == rhs.fields.count
            && zip(lhs.fields, rhs.fields).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    public var count: Int { fields.count }

    /// The first value of the field `name`, or nil.
    public subscript(name: String) -> String? {
        fields.first(where: { HTTPHeaders.namesEqual($0.name, name) })?.value
    }

    /// Every value of the field `name`, in order.
    public func values(_ name: String) -> [String] {
        fields.filter { HTTPHeaders.namesEqual($0.name, name) }.map(\.value)
    }

    public func contains(_ name: String) -> Bool { self[name] != nil }

    /// Adds a field, keeping any that exist (for `Set-Cookie` and other repeatable fields).
    public mutating func add(_ name: String, _ value: String) { fields.append((name: name, value: value)) }

    /// Replaces every field named `name` with one.
    public mutating func set(_ name: String, _ value: String) {
        remove(name)
        fields.append((name: name, value: value))
    }

    public mutating func remove(_ name: String) { fields.removeAll { HTTPHeaders.namesEqual($0.name, name) } }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { fields.makeIterator() }

    /// ASCII case-insensitive comparison, without allocating.
    public static func namesEqual(_ a: String, _ b: String) -> Bool {
        let x = a.utf8
        let y = b.utf8
        guard x.count == y.count else { return false }
        // Native strings are contiguous UTF-8: compare through pointers, the common fast path.
        let fast = x.withContiguousStorageIfAvailable { p in
            y.withContiguousStorageIfAvailable { q in
                for index in 0..<p.count where !asciiCaseInsensitiveEqual(p[index], q[index]) { return false }
                return true
            }
        }
        if let result = fast ?? nil { return result }
        for (c, d) in zip(x, y) where !asciiCaseInsensitiveEqual(c, d) { return false }
        return true
    }

    @inline(__always)
    private static func asciiCaseInsensitiveEqual(_ c: UInt8, _ d: UInt8) -> Bool {
        if c == d { return true }
        let lc = (c >= 0x41 && c <= 0x5A) ? c | 0x20 : c
        let ld = (d >= 0x41 && d <= 0x5A) ? d | 0x20 : d
        return lc == ld
    }
}

/// HTTP version of a message (RFC 9112 §2.3).
public struct HTTPVersion: Hashable, Sendable, CustomStringConvertible {
    public let major: Int
    public let minor: Int
    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }
    public static let http1_0 = HTTPVersion(major: 1, minor: 0)
    public static let http1_1 = HTTPVersion(major: 1, minor: 1)
    public var description: String { "HTTP/\(major).\(minor)" }
}

/// The request line and header section of a request (RFC 9112 §3, §5).
public struct HTTPRequestHead: Sendable, Equatable {
    public var method: HTTPMethod
    /// The request-target exactly as sent (origin-form: path and optional query).
    public var target: String
    public var version: HTTPVersion
    public var headers: HTTPHeaders

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
    public var head: HTTPRequestHead
    public var body: [UInt8]
    /// Values of `:name` segments of the matched route.
    public var parameters: [String: String]
    /// The peer's address as text (`127.0.0.1`, `[::1]`, or `unix`), for logs and rate limits.
    public var remoteAddress: String

    public init(
        head: HTTPRequestHead, body: [UInt8] = [], parameters: [String: String] = [:], remoteAddress: String = ""
    ) {
        self.head = head
        self.body = body
        self.parameters = parameters
        self.remoteAddress = remoteAddress
    }

    public var method: HTTPMethod { head.method }
    public var headers: HTTPHeaders { head.headers }
    public var path: Substring { head.path }
}

/// A response: status, headers, and a body that is either known or streamed.
public struct HTTPResponse: Sendable {
    public var status: HTTPStatus
    public var headers: HTTPHeaders
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

    public init(status: HTTPStatus = .ok, headers: HTTPHeaders = [:], body: Body = .bytes([])) {
        self.status = status
        self.headers = headers
        self.body = body
    }

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
