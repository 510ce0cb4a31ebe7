/// Routes requests by method and path pattern to a handler of any type.
///
/// Patterns are literal segments and `:name` parameters (`/trader/v1/accounts/:accountNumber`),
/// plus an optional trailing `*name` that captures the rest of the path. Matching is on the
/// percent-decoded segments; a path that matches a pattern under another method answers 405 with
/// the `Allow` list (RFC 9110 §15.5.6).
public struct HTTPRouter<Handler: Sendable>: Sendable {
    private struct Route: Sendable {
        let method: HTTPMethod
        let segments: [Segment]
        let handler: Handler
    }

    private enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
        case rest(String)
    }

    /// What a lookup found.
    public enum Match {
        case found(Handler, parameters: [String: String])
        /// The path exists under other methods: answer 405 with these in `Allow`.
        case methodNotAllowed(allowed: [HTTPMethod])
        case notFound
    }

    private var routes: [Route] = []

    /// A router with no routes.
    public init() {}

    /// Adds a route. Earlier routes win when two patterns match the same path.
    public mutating func add(_ method: HTTPMethod, _ pattern: String, _ handler: Handler) {
        let segments = pattern.split(separator: "/", omittingEmptySubsequences: true).map { part -> Segment in
            if part.hasPrefix(":") { return .parameter(String(part.dropFirst())) }
            if part.hasPrefix("*") { return .rest(String(part.dropFirst())) }
            return .literal(String(part))
        }
        routes.append(Route(method: method, segments: segments, handler: handler))
    }

    /// Finds the handler for `method` and the encoded `path`. HEAD falls back to GET routes.
    public func match(_ method: HTTPMethod, path: Substring) -> Match {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).map {
            PercentEncoding.decode($0) ?? String($0)
        }
        var allowed: [HTTPMethod] = []
        var headFallback: (Handler, [String: String])?
        for route in routes {
            guard let parameters = HTTPRouter.bind(route.segments, to: parts) else { continue }
            if route.method == method { return .found(route.handler, parameters: parameters) }
            if method == .head && route.method == .get && headFallback == nil {
                headFallback = (route.handler, parameters)
            }
            if !allowed.contains(route.method) { allowed.append(route.method) }
        }
        if let (handler, parameters) = headFallback { return .found(handler, parameters: parameters) }
        if allowed.isEmpty { return .notFound }
        if allowed.contains(.get) && !allowed.contains(.head) { allowed.append(.head) }
        return .methodNotAllowed(allowed: allowed)
    }

    private static func bind(_ segments: [Segment], to parts: [String]) -> [String: String]? {
        var parameters: [String: String] = [:]
        var index = 0
        for segment in segments {
            switch segment {
            case .literal(let text):
                guard index < parts.count, parts[index] == text else { return nil }
            case .parameter(let name):
                guard index < parts.count, !parts[index].isEmpty else { return nil }
                parameters[name] = parts[index]
            case .rest(let name):
                parameters[name] = parts[index...].joined(separator: "/")
                return parameters
            }
            index += 1
        }
        return index == parts.count ? parameters : nil
    }
}

/// Percent-encoding (RFC 3986 §2.1) for paths, queries and forms.
public enum PercentEncoding {
    /// Decodes `%XX` escapes; with `plusIsSpace`, `+` becomes a space (HTML form encoding).
    /// Returns nil for a malformed escape or bytes that are not UTF-8.
    public static func decode<S: StringProtocol>(_ text: S, plusIsSpace: Bool = false) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    return nil
                }
                bytes.append(high << 4 | low)
            } else if plusIsSpace && byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    /// Encodes every byte outside RFC 3986's unreserved set (`A-Z a-z 0-9 - . _ ~`).
    public static func encode(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if isUnreserved(byte) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%"
                out.unicodeScalars.append(Unicode.Scalar(hexDigits[Int(byte >> 4)]))
                out.unicodeScalars.append(Unicode.Scalar(hexDigits[Int(byte & 0x0F)]))
            }
        }
        return out
    }

    private static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    private static func isUnreserved(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39)
            || b == 0x2D || b == 0x2E || b == 0x5F || b == 0x7E
    }

    private static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case 0x30...0x39: b - 0x30
        case 0x41...0x46: b - 0x41 + 10
        case 0x61...0x66: b - 0x61 + 10
        default: nil
        }
    }
}
