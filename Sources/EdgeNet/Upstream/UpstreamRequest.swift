import EdgeCore
import EdgeHTTP

/// One request to an upstream HTTP API (Schwab or the sandbox).
public struct UpstreamRequest: Sendable {
    /// The method; any token is allowed (RFC 9110 §9.1).
    public var method: HTTPMethod
    /// The absolute `http` or `https` URL, query included.
    public var url: String
    /// Header fields to send, in order. `Host`, `Content-Length` and framing are set by the client.
    public var headers: HTTPHeaders
    /// The request body; sent with `Content-Length` when non-empty or when the method is POST/PUT/PATCH.
    public var body: [UInt8]
    /// A total timeout for this request alone, overriding the client's configuration.
    public var timeout: Duration?
    /// Send on a new connection, closed afterwards. libcurl silently sends a request again when
    /// the reused keep-alive connection it went out on dies before any answer byte, though the
    /// server may have acted on it; a non-idempotent request (an order, RFC 9110 §9.2.2) must
    /// not be repeated behind the caller's back, so it sets this.
    public var freshConnection: Bool

    /// Makes a request from its parts.
    public init(
        method: HTTPMethod = .get, url: String, headers: HTTPHeaders = [:], body: [UInt8] = [],
        timeout: Duration? = nil, freshConnection: Bool = false
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.freshConnection = freshConnection
    }

    /// A request with a JSON body (`Content-Type: application/json`) and `Accept: application/json`
    /// unless `headers` already say otherwise.
    public static func json(
        method: HTTPMethod = .post, url: String, body: [UInt8], headers: HTTPHeaders = [:]
    ) -> UpstreamRequest {
        var all = headers
        if !all.contains("Content-Type") { all.add("Content-Type", "application/json") }
        if !all.contains("Accept") { all.add("Accept", "application/json") }
        return UpstreamRequest(method: method, url: url, headers: all, body: body)
    }

    /// A request whose body is the JSON text of `value`.
    public static func json(
        method: HTTPMethod = .post, url: String, value: JSONValue, headers: HTTPHeaders = [:]
    ) -> UpstreamRequest {
        json(method: method, url: url, body: Array(value.jsonText.utf8), headers: headers)
    }

    /// A request with an `application/x-www-form-urlencoded` body built from `fields` in order,
    /// as OAuth token requests need (RFC 6749 §4.1.3, encoding per the WHATWG URL standard §5.2).
    public static func form(
        method: HTTPMethod = .post, url: String, fields: [(String, String)], headers: HTTPHeaders = [:]
    ) -> UpstreamRequest {
        var all = headers
        if !all.contains("Content-Type") { all.add("Content-Type", "application/x-www-form-urlencoded") }
        return UpstreamRequest(
            method: method, url: url, headers: all, body: Array(UpstreamFormEncoder.encode(fields).utf8))
    }
}
