/// Reading the `Cookie` request header (RFC 6265 §4.2, §5.4).
public enum HTTPCookies {
    /// The name/value pairs of one `Cookie` header value (`a=1; b=2`).
    ///
    /// Lenient like browsers and servers: pieces without `=` or with an empty name are skipped,
    /// surrounding double quotes are removed from a value, and when a name repeats the first one
    /// wins (user agents send the most specific path first, RFC 6265 §5.4 step 2).
    public static func parse(_ headerValue: String) -> [String: String] {
        var cookies: [String: String] = [:]
        parse(headerValue, into: &cookies)
        return cookies
    }

    static func parse(_ headerValue: String, into cookies: inout [String: String]) {
        for piece in headerValue.split(separator: ";") {
            guard let equals = piece.firstIndex(of: "=") else { continue }
            let name = piece[..<equals].trimmingSpaces
            var value = piece[piece.index(after: equals)...].trimmingSpaces
            guard !name.isEmpty else { continue }
            if value.count >= 2 && value.first == "\"" && value.last == "\"" {
                value = value.dropFirst().dropLast()
            }
            if cookies[String(name)] == nil { cookies[String(name)] = String(value) }
        }
    }
}

extension HTTPRequest {
    /// Every cookie the request carries, from all its `Cookie` fields (HTTP/2 proxies may split
    /// them, RFC 9113 §8.2.3); the first of a repeated name wins.
    public var cookies: [String: String] {
        var cookies: [String: String] = [:]
        for value in headers.values("Cookie") { HTTPCookies.parse(value, into: &cookies) }
        return cookies
    }
}

/// Why a `SetCookie` could not be built: which attribute, and what it may contain.
public struct HTTPCookieError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The attribute at fault, for code that reacts to it.
    public enum Code: String, Sendable {
        case invalidName, invalidValue, invalidPath, invalidDomain, sameSiteNoneWithoutSecure
    }
    /// Which rule was broken.
    public let code: Code
    /// The rule in words, with the offending text.
    public let message: String
    /// "invalidValue: cookie value ..." for logs.
    public var description: String { "\(code.rawValue): \(message)" }
}

/// A `Set-Cookie` header value (RFC 6265 §4.1), validated when built so that no name or value
/// can break the header or smuggle in attributes.
public struct SetCookie: Sendable, Equatable {
    /// The `SameSite` attribute (RFC 6265bis §4.1.2.7): whether cross-site requests carry the cookie.
    public enum SameSite: String, Sendable {
        case strict = "Strict"
        case lax = "Lax"
        case none = "None"
    }

    public let name: String
    public let value: String
    public let path: String?
    public let domain: String?
    /// Seconds until expiry; 0 or less deletes the cookie (RFC 6265 §5.2.2).
    public let maxAge: Int?
    /// The expiry as seconds since 1970-01-01 UTC, written as IMF-fixdate.
    public let expires: Int?
    public let httpOnly: Bool
    public let secure: Bool
    /// Always written: `.lax` unless told otherwise (a non-optional type, so that `.none` can
    /// only mean `SameSite=None` and never "no attribute").
    public let sameSite: SameSite

    /// Validates the cookie: the name must be a token, the value `cookie-octet`s (optionally in
    /// double quotes), the path and domain free of `;` and controls (RFC 6265 §4.1.1), and
    /// `SameSite=None` needs `Secure` (browsers drop it otherwise, RFC 6265bis §4.1.2.7).
    public init(
        name: String, value: String, path: String? = nil, domain: String? = nil, maxAge: Int? = nil,
        expires: Int? = nil, httpOnly: Bool = false, secure: Bool = false, sameSite: SameSite = .lax
    ) throws(HTTPCookieError) {
        guard !name.isEmpty, name.utf8.allSatisfy(HTTPByteClass.isToken) else {
            throw HTTPCookieError(code: .invalidName, message: "cookie name '\(name)' is not a token")
        }
        var inner = value.utf8[...]
        if inner.count >= 2 && inner.first == 0x22 && inner.last == 0x22 { inner = inner.dropFirst().dropLast() }
        guard inner.allSatisfy(Self.isCookieOctet) else {
            throw HTTPCookieError(
                code: .invalidValue,
                message: "cookie value for '\(name)' may not contain spaces, quotes, commas, semicolons, backslashes, "
                    + "controls or non-ASCII (encode it first)")
        }
        if let path, path.isEmpty || !path.utf8.allSatisfy(Self.isAttributeOctet) {
            throw HTTPCookieError(code: .invalidPath, message: "cookie path '\(path)' is empty or has ';' or a control")
        }
        if let domain, domain.isEmpty || !domain.utf8.allSatisfy(Self.isDomainOctet) {
            throw HTTPCookieError(code: .invalidDomain, message: "cookie domain '\(domain)' is not a host name")
        }
        if sameSite == .none && !secure {
            throw HTTPCookieError(code: .sameSiteNoneWithoutSecure, message: "SameSite=None requires Secure")
        }
        self.name = name
        self.value = value
        self.path = path
        self.domain = domain
        self.maxAge = maxAge
        self.expires = expires
        self.httpOnly = httpOnly
        self.secure = secure
        self.sameSite = sameSite
    }

    /// The header value: `name=value; Path=/; Max-Age=600; HttpOnly; Secure; SameSite=Lax`.
    public var headerValue: String {
        var text = name + "=" + value
        if let path { text += "; Path=" + path }
        if let domain { text += "; Domain=" + domain }
        if let maxAge { text += "; Max-Age=\(maxAge)" }
        if let expires { text += "; Expires=" + HTTPDate.format(epochSeconds: expires) }
        if httpOnly { text += "; HttpOnly" }
        if secure { text += "; Secure" }
        text += "; SameSite=" + sameSite.rawValue
        return text
    }

    /// `cookie-octet`: visible ASCII except DQUOTE, comma, semicolon and backslash.
    static func isCookieOctet(_ b: UInt8) -> Bool {
        b == 0x21 || (b >= 0x23 && b <= 0x2B) || (b >= 0x2D && b <= 0x3A) || (b >= 0x3C && b <= 0x5B)
            || (b >= 0x5D && b <= 0x7E)
    }

    /// `av-octet`: any CHAR except controls and `;`.
    static func isAttributeOctet(_ b: UInt8) -> Bool { b >= 0x20 && b < 0x7F && b != 0x3B }

    /// Letters, digits, `-` and `.`, the characters of a host name (RFC 1123 §2.1).
    static func isDomainOctet(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39) || b == 0x2D || b == 0x2E
    }
}

extension HTTPResponse {
    /// Adds a `Set-Cookie` field; several cookies make several fields (RFC 6265 §3).
    public mutating func setCookie(_ cookie: SetCookie) {
        headers.add("Set-Cookie", cookie.headerValue)
    }
}
