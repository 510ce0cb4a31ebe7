/// The request line, field lines and chunk-size lines (RFC 9112 §3, §5, §7.1).
extension HTTPRequestParser {
    /// A parsed request line (RFC 9112 §3).
    struct RequestLine: Sendable {
        var method: HTTPMethod
        /// Origin-form (`/path?query`) or `*`.
        var target: String
        var version: HTTPVersion
        /// The authority of an absolute-form target, which replaces `Host` (RFC 9112 §3.2.2).
        var authority: String?
    }

    /// `method SP request-target SP HTTP-version`, with single spaces and nothing else.
    func parseRequestLine(_ range: Range<Int>) -> Result<RequestLine, HTTPParseError> {
        buffer.withUnsafeBufferPointer { all in
            let line = UnsafeBufferPointer(rebasing: all[range])
            guard let firstSpace = line.firstIndex(of: 0x20) else {
                return .failure(.badRequest("request line is not 'method target version'"))
            }
            guard firstSpace > 0, line[..<firstSpace].allSatisfy(HTTPByteClass.isToken) else {
                return .failure(.badRequest("method is not a token"))
            }
            let targetStart = firstSpace + 1
            guard let secondSpace = line[targetStart...].firstIndex(of: 0x20), secondSpace > targetStart else {
                return .failure(.badRequest("request line is not 'method target version'"))
            }
            let target = line[targetStart..<secondSpace]
            guard target.allSatisfy(HTTPByteClass.isTarget) else {
                return .failure(.badRequest("request target contains a space, control or non-ASCII byte"))
            }
            let version: HTTPVersion
            switch Self.parseVersion(line[(secondSpace + 1)...]) {
            case .failure(let error): return .failure(error)
            case .success(let parsed): version = parsed
            }
            let method = HTTPMethod(String(decoding: UnsafeBufferPointer(rebasing: line[..<firstSpace]), as: UTF8.self))
            let targetText = String(decoding: UnsafeBufferPointer(rebasing: target), as: UTF8.self)
            return Self.requestLine(method: method, target: targetText, version: version)
        }
    }

    /// `HTTP/d.d`: 400 when malformed, 505 when not 1.0 or 1.1 (RFC 9112 §2.3).
    static func parseVersion(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Result<HTTPVersion, HTTPParseError> {
        let malformed = HTTPParseError.badRequest("HTTP version is not 'HTTP/1.1' or 'HTTP/1.0'")
        guard bytes.count == 8 else { return .failure(malformed) }
        let b = Array(bytes)
        guard b[0] == 0x48, b[1] == 0x54, b[2] == 0x54, b[3] == 0x50, b[4] == 0x2F, b[6] == 0x2E,
            (0x30...0x39).contains(b[5]), (0x30...0x39).contains(b[7])
        else { return .failure(malformed) }
        let version = HTTPVersion(major: Int(b[5] - 0x30), minor: Int(b[7] - 0x30))
        guard version == .http1_1 || version == .http1_0 else {
            return .failure(HTTPParseError(status: .httpVersionNotSupported, reason: "\(version) is not supported"))
        }
        return .success(version)
    }

    /// Checks the target's form against the method (RFC 9112 §3.2).
    static func requestLine(
        method: HTTPMethod, target: String, version: HTTPVersion
    ) -> Result<
        RequestLine, HTTPParseError
    > {
        if method.rawValue == "CONNECT" {
            return .failure(HTTPParseError(status: .notImplemented, reason: "CONNECT is not supported"))
        }
        if target.utf8.first == UInt8(ascii: "/") {
            return .success(RequestLine(method: method, target: target, version: version))
        }
        if target == "*" {
            guard method == .options else { return .failure(.badRequest("'*' is a target only for OPTIONS")) }
            return .success(RequestLine(method: method, target: target, version: version))
        }
        // absolute-form: "http" / "https" "://" authority [path-abempty] [ "?" query ]
        let lowered = target.lowercased()
        let prefix = lowered.hasPrefix("http://") ? 7 : lowered.hasPrefix("https://") ? 8 : 0
        guard prefix > 0 else { return .failure(.badRequest("request target is neither a path nor an http(s) URL")) }
        let rest = target.utf8.dropFirst(prefix)
        let pathStart = rest.firstIndex(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") }) ?? rest.endIndex
        let authority = String(decoding: rest[..<pathStart], as: UTF8.self)
        guard !authority.isEmpty else { return .failure(.badRequest("absolute request target has no host")) }
        var path = String(decoding: rest[pathStart...], as: UTF8.self)
        if !path.hasPrefix("/") { path = "/" + path }
        return .success(RequestLine(method: method, target: path, version: version, authority: authority))
    }

    /// Validates one field line and keeps it when `keep` (headers; trailers are dropped).
    mutating func takeField(_ range: Range<Int>, keep: Bool) -> HTTPParseError? {
        fieldBytes += range.count + 2
        if fields.count >= limits.headerCount { return Self.tooManyFields }
        let parsed: Result<(String, String), HTTPParseError> = buffer.withUnsafeBufferPointer { all in
            let line = UnsafeBufferPointer(rebasing: all[range])
            if HTTPByteClass.isSpace(line[0]) {
                return .failure(.badRequest("obsolete line folding (a field line starts with whitespace)"))
            }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
                return .failure(.badRequest("header field has no colon"))
            }
            guard colon > 0 else { return .failure(.badRequest("header field has an empty name")) }
            if HTTPByteClass.isSpace(line[colon - 1]) {
                return .failure(.badRequest("whitespace between a header field name and its colon"))
            }
            guard line[..<colon].allSatisfy(HTTPByteClass.isToken) else {
                return .failure(.badRequest("header field name contains a character that is not allowed"))
            }
            var valueStart = colon + 1
            var valueEnd = line.count
            while valueStart < valueEnd && HTTPByteClass.isSpace(line[valueStart]) { valueStart += 1 }
            while valueEnd > valueStart && HTTPByteClass.isSpace(line[valueEnd - 1]) { valueEnd -= 1 }
            guard line[valueStart..<valueEnd].allSatisfy(HTTPByteClass.isFieldValue) else {
                return .failure(.badRequest("header field value contains a control character"))
            }
            let name = String(decoding: UnsafeBufferPointer(rebasing: line[..<colon]), as: UTF8.self)
            let value = String(decoding: UnsafeBufferPointer(rebasing: line[valueStart..<valueEnd]), as: UTF8.self)
            return .success((name, value))
        }
        switch parsed {
        case .failure(let error): return error
        case .success(let (name, value)):
            // Trailers are counted too (toward the same limits) but not kept.
            fields.append((name: keep ? name : "", value: keep ? value : ""))
            return nil
        }
    }

    /// `chunk-size [ chunk-ext ]`: hexadecimal, then extensions that are checked and ignored
    /// (RFC 9112 §7.1.1).
    func parseChunkSize(_ range: Range<Int>) -> Result<Int, HTTPParseError> {
        buffer.withUnsafeBufferPointer { all in
            let line = UnsafeBufferPointer(rebasing: all[range])
            var size = 0
            var index = 0
            while index < line.count, let digit = HTTPByteClass.hexValue(line[index]) {
                // 15 hex digits already exceed any body limit; more would overflow.
                guard index < 15 else { return .failure(.badRequest("chunk size is too large")) }
                size = size << 4 | digit
                index += 1
            }
            guard index > 0 else { return .failure(.badRequest("chunk size is not hexadecimal")) }
            var rest = line[index...]
            while let first = rest.first, HTTPByteClass.isSpace(first) { rest = rest.dropFirst() }
            if let first = rest.first {
                guard first == UInt8(ascii: ";") else {
                    return .failure(.badRequest("chunk size is followed by something other than an extension"))
                }
                guard rest.allSatisfy(HTTPByteClass.isFieldValue) else {
                    return .failure(.badRequest("chunk extension contains a control character"))
                }
            }
            return .success(size)
        }
    }
}
