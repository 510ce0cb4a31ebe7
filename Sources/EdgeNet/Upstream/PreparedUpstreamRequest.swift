import EdgeHTTP
import Foundation

/// An `UpstreamRequest` checked before it reaches libcurl: an http(s) URL with a host, header
/// fields that cannot break the message framing, and the origin to name in error messages.
struct PreparedUpstreamRequest: Sendable {
    let request: UpstreamRequest
    /// `scheme://host:port`: what error messages show, never the path or query (they can hold
    /// account ids and authorization codes).
    let origin: String
    /// The path and query as sent, only to scrub them out of libcurl's own error text.
    let pathAndQuery: String

    init(_ request: UpstreamRequest) throws(UpstreamError) {
        guard let components = URLComponents(string: request.url), let scheme = components.scheme?.lowercased()
        else {
            throw UpstreamError(.invalidURL, "the upstream URL is not a valid absolute URL")
        }
        guard scheme == "http" || scheme == "https" else {
            throw UpstreamError(.invalidURL, "upstream URLs must be http or https, not '\(scheme)'")
        }
        guard let host = components.host, !host.isEmpty else {
            throw UpstreamError(.invalidURL, "the upstream URL has no host")
        }
        let port = components.port ?? (scheme == "https" ? 443 : 80)
        origin = "\(scheme)://\(host.contains(":") ? "[\(host)]" : host):\(port)"
        pathAndQuery = components.percentEncodedPath + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
        guard Self.isToken(request.method.rawValue) else {
            throw UpstreamError(.invalidRequest, "the method '\(request.method)' is not an HTTP token (RFC 9110 §9.1)")
        }
        for field in request.headers {
            guard Self.isToken(field.name) else {
                throw UpstreamError(
                    .invalidRequest, "header name '\(field.name)' is not an HTTP token (RFC 9110 §5.1)")
            }
            // The value is not echoed: it may be a credential.
            guard !field.value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }) else {
                throw UpstreamError(
                    .invalidRequest, "header '\(field.name)' has a CR, LF or NUL in its value (RFC 9110 §5.5)")
            }
        }
        self.request = request
    }

    /// RFC 9110 §5.6.2 tchar.
    private static func isToken(_ text: String) -> Bool {
        !text.isEmpty
            && text.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"):
                    true
                default: "!#$%&'*+-.^_`|~".utf8.contains(byte)
                }
            }
    }
}
