/// Deciding how long the body is, once the head is complete (RFC 9112 §6).
extension HTTPRequestParser {
    /// Builds the head and chooses the body state; refuses ambiguous framing with 400.
    mutating func finishHead() -> Result<HTTPRequestHead, HTTPParseError> {
        guard let line = requestLine else { return .failure(.badRequest("header section without a request line")) }
        var headers = HTTPHeaders(fields.map { ($0.name, $0.value) })
        let hosts = headers.values("Host")
        if line.version == .http1_1 && hosts.isEmpty {
            return .failure(.badRequest("HTTP/1.1 request without a Host header (RFC 9112 §3.2)"))
        }
        if hosts.count > 1 { return .failure(.badRequest("more than one Host header")) }
        if let authority = line.authority { headers.set("Host", authority) }

        let transferEncodings = headers.values("Transfer-Encoding")
        let contentLengths = headers.values("Content-Length")
        if !transferEncodings.isEmpty {
            if line.version == .http1_0 {
                return .failure(.badRequest("Transfer-Encoding in an HTTP/1.0 request"))
            }
            if !contentLengths.isEmpty {
                return .failure(.badRequest("both Content-Length and Transfer-Encoding"))
            }
            if let error = Self.checkTransferCodings(transferEncodings) { return .failure(error) }
            state = .chunkSize
        } else if !contentLengths.isEmpty {
            switch Self.contentLength(contentLengths) {
            case .failure(let error): return .failure(error)
            case .success(let length):
                declaredLength = length
                state = length == 0 ? .messageEnd : .fixedBody(remaining: length)
            }
        } else {
            state = .messageEnd  // RFC 9112 §6.3: a request without either has no body
        }
        return .success(
            HTTPRequestHead(method: line.method, target: line.target, version: line.version, headers: headers))
    }

    /// Only `chunked`, last, is supported: another coding is 501 and `chunked` not last is 400
    /// (RFC 9112 §6.3 rule 4, §7).
    static func checkTransferCodings(_ values: [String]) -> HTTPParseError? {
        let codings = values.flatMap { $0.split(separator: ",") }
            .map { $0.trimmingSpaces.lowercased() }
            .filter { !$0.isEmpty }
        guard let last = codings.last else { return .badRequest("Transfer-Encoding is empty") }
        if codings.dropLast().contains("chunked") {
            return .badRequest("chunked is not the final transfer coding")
        }
        guard last == "chunked" else {
            return HTTPParseError(status: .notImplemented, reason: "transfer coding '\(last)' is not supported")
        }
        if let other = codings.first(where: { $0 != "chunked" }) {
            return HTTPParseError(status: .notImplemented, reason: "transfer coding '\(other)' is not supported")
        }
        return nil
    }

    /// One decimal length; identical repeats (also as a list, "5, 5") are allowed, differing ones
    /// are a 400 (RFC 9110 §8.6, RFC 9112 §6.3 rule 5).
    static func contentLength(_ values: [String]) -> Result<Int, HTTPParseError> {
        var length: Int?
        for value in values {
            for element in value.split(separator: ",", omittingEmptySubsequences: false) {
                let digits = element.trimmingSpaces
                guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                    return .failure(.badRequest("Content-Length is not a decimal number"))
                }
                var parsed = 0
                for digit in digits.utf8 {
                    let (times, overflow1) = parsed.multipliedReportingOverflow(by: 10)
                    let (plus, overflow2) = times.addingReportingOverflow(Int(digit - 0x30))
                    if overflow1 || overflow2 { return .failure(.badRequest("Content-Length is too large")) }
                    parsed = plus
                }
                if let known = length, known != parsed {
                    return .failure(.badRequest("differing Content-Length values"))
                }
                length = parsed
            }
        }
        guard let length else { return .failure(.badRequest("Content-Length is empty")) }
        return .success(length)
    }
}
