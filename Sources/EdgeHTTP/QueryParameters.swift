/// Name/value pairs of a query string or an `application/x-www-form-urlencoded` body, in order.
///
/// Both use the same encoding (WHATWG URL Standard §5.1, "application/x-www-form-urlencoded
/// parsing"): pairs split on `&`, name and value on the first `=`, `+` is a space, and `%XX`
/// escapes are decoded as UTF-8. A name may repeat; `all(_:)` returns every value.
public struct QueryParameters: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    /// The pairs in the order they appeared.
    public private(set) var pairs: [(name: String, value: String)]

    /// Parameters from decoded pairs.
    public init(_ pairs: [(String, String)] = []) { self.pairs = pairs.map { (name: $0.0, value: $0.1) } }

    /// Parameters from a literal, in the literal's order.
    public init(dictionaryLiteral elements: (String, String)...) { self.init(elements) }

    /// Parses an encoded query leniently, for URLs: an escape that does not decode is kept as
    /// written rather than losing the parameter.
    public init<S: StringProtocol>(parsing encoded: S) {
        var pairs: [(name: String, value: String)] = []
        for piece in String(encoded).split(separator: "&", omittingEmptySubsequences: true) {
            let (name, value) = Self.cut(piece)
            pairs.append(
                (
                    name: PercentEncoding.decode(name, plusIsSpace: true) ?? String(name),
                    value: PercentEncoding.decode(value, plusIsSpace: true) ?? String(value)
                ))
        }
        self.pairs = pairs
    }

    /// Parses an encoded query or form strictly: a malformed `%` escape or bytes that are not
    /// UTF-8 are a 400 naming the parameter, for bodies whose every field matters.
    public static func parseStrictly<S: StringProtocol>(_ encoded: S) throws(HTTPParseError) -> QueryParameters {
        var result = QueryParameters()
        for piece in String(encoded).split(separator: "&", omittingEmptySubsequences: true) {
            let (name, value) = cut(piece)
            guard let decodedName = PercentEncoding.decode(name, plusIsSpace: true) else {
                throw .badRequest("form field name '\(name.prefix(64))' has a malformed %-escape or is not UTF-8")
            }
            guard let decodedValue = PercentEncoding.decode(value, plusIsSpace: true) else {
                throw .badRequest("form field '\(decodedName.prefix(64))' has a malformed %-escape or is not UTF-8")
            }
            result.append(decodedName, decodedValue)
        }
        return result
    }

    private static func cut(_ piece: Substring) -> (Substring, Substring) {
        guard let equals = piece.firstIndex(of: "=") else { return (piece, piece[piece.endIndex...]) }
        return (piece[..<equals], piece[piece.index(after: equals)...])
    }

    /// The first value of `name`, or nil. Names compare exactly (they are case-sensitive).
    public func first(_ name: String) -> String? { pairs.first(where: { $0.name == name })?.value }

    /// Every value of `name`, in order.
    public func all(_ name: String) -> [String] { pairs.filter { $0.name == name }.map(\.value) }

    /// Whether any pair is named `name`.
    public func contains(_ name: String) -> Bool { pairs.contains(where: { $0.name == name }) }

    /// Adds a pair at the end.
    public mutating func append(_ name: String, _ value: String) { pairs.append((name: name, value: value)) }

    /// The number of pairs.
    public var count: Int { pairs.count }

    /// The pairs encoded as a query string (`a=1&b=x%20y`), every byte outside RFC 3986's
    /// unreserved set escaped; suitable for URLs and form bodies alike.
    public var encoded: String {
        pairs.map { PercentEncoding.encode($0.name) + "=" + PercentEncoding.encode($0.value) }.joined(separator: "&")
    }

    /// Iterates the pairs in order.
    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { pairs.makeIterator() }

    /// Pairs compare in order, name and value.
    public static func == (lhs: QueryParameters, rhs: QueryParameters) -> Bool {
        lhs.pairs.count == rhs.pairs.count && zip(lhs.pairs, rhs.pairs).allSatisfy { $0 == $1 }
    }
}

extension HTTPRequest {
    /// The query string's parameters, decoded leniently (see `QueryParameters(parsing:)`).
    public var queryParameters: QueryParameters { QueryParameters(parsing: head.query) }

    /// The body as an HTML form (`application/x-www-form-urlencoded`, WHATWG URL §5).
    ///
    /// Throws 415 when the `Content-Type` is another media type (RFC 9110 §15.5.16), and 400 when
    /// the body is not UTF-8 or has a malformed escape.
    public func formParameters() throws(HTTPParseError) -> QueryParameters {
        let mediaType = (headers["Content-Type"] ?? "").split(separator: ";").first.map {
            $0.trimmingSpaces.lowercased()
        }
        guard mediaType == "application/x-www-form-urlencoded" else {
            throw HTTPParseError(
                status: .unsupportedMediaType,
                reason:
                    "expected Content-Type application/x-www-form-urlencoded, got '\(headers["Content-Type"] ?? "")'")
        }
        guard let text = String(validating: body, as: UTF8.self) else {
            throw .badRequest("form body is not UTF-8")
        }
        return try QueryParameters.parseStrictly(text)
    }
}

extension HTTPRequestHead {
    /// True when the client waits for `100 Continue` before sending the body (RFC 9110 §10.1.1).
    /// Only HTTP/1.1 clients may ask; an HTTP/1.0 `Expect` is ignored.
    public var expectsContinue: Bool {
        guard version == .http1_1, let expect = headers["Expect"] else { return false }
        return HTTPHeaders.namesEqual(String(expect[...].trimmingSpaces), "100-continue")
    }
}
