/// How a response body is delimited on the wire (RFC 9112 §6.3).
public enum HTTPResponseFraming: Sendable, Equatable {
    /// `Content-Length: n`: the body is known in advance.
    case length(Int)
    /// `Transfer-Encoding: chunked`: a stream (Server-Sent Events, proxied bodies), HTTP/1.1 only.
    case chunked
    /// No length: the body ends when the connection closes (for HTTP/1.0 streams).
    case closeDelimited
}

/// Writes response heads and chunks as bytes (RFC 9112 §4, §6, §7.1).
///
/// The framing is authoritative: `Content-Length`, `Transfer-Encoding` and `Connection` fields in
/// `headers` are replaced by what `framing` and `keepAlive` say, so a handler cannot produce a
/// response whose length disagrees with how it is sent. Control bytes (CR, LF, NUL...) in a
/// field value are written as spaces and non-token bytes in a name as `-`, so no value can split
/// a response (header injection, CWE-113).
public enum HTTPResponseEncoder {
    /// Appends the status line, the header fields and the empty line to `buffer`, adding
    /// `Content-Length` or `Transfer-Encoding: chunked` per `framing` (none for 1xx, 204 and 304,
    /// RFC 9110 §8.6), `Connection: close` when `!keepAlive` (or `keep-alive` for HTTP/1.0), and a
    /// `Date` (RFC 9110 §6.6.1) when the headers have none.
    public static func encodeHead(
        _ status: HTTPStatus, headers: HTTPHeaders, framing: HTTPResponseFraming, keepAlive: Bool,
        version: HTTPVersion = .http1_1, into buffer: inout [UInt8]
    ) {
        let date = headers.contains("Date") ? [] : HTTPDate.now()
        encodeHead(
            status, headers: headers, framing: framing, keepAlive: keepAlive, version: version, date: date,
            into: &buffer)
    }

    /// Like the other `encodeHead`, with the `Date` value given (empty for none): pure, for tests
    /// and for callers that keep their own clock.
    public static func encodeHead(
        _ status: HTTPStatus, headers: HTTPHeaders, framing: HTTPResponseFraming, keepAlive: Bool,
        version: HTTPVersion = .http1_1, date: [UInt8], into buffer: inout [UInt8]
    ) {
        buffer += "HTTP/".utf8
        appendDecimal(version.major, to: &buffer)
        buffer.append(UInt8(ascii: "."))
        appendDecimal(version.minor, to: &buffer)
        buffer.append(0x20)
        appendDecimal(status.code, to: &buffer)
        buffer.append(0x20)
        for byte in status.reason.utf8 { buffer.append(HTTPByteClass.isFieldValue(byte) ? byte : 0x20) }
        buffer += crlf
        for field in headers.fields {
            if HTTPHeaders.namesEqual(field.name, "Content-Length")
                || HTTPHeaders.namesEqual(field.name, "Transfer-Encoding")
                || HTTPHeaders.namesEqual(field.name, "Connection")
            {
                continue
            }
            appendField(field.name, field.value.utf8, to: &buffer)
        }
        if !date.isEmpty { appendField("Date", date, to: &buffer) }
        let bodyless = status.code < 200 || status.code == 204 || status.code == 304
        if !bodyless {
            switch framing {
            case .length(let count):
                buffer += "Content-Length: ".utf8
                appendDecimal(count, to: &buffer)
                buffer += crlf
            case .chunked:
                buffer += "Transfer-Encoding: chunked\r\n".utf8
            case .closeDelimited:
                break
            }
        }
        let closes = !keepAlive || (framing == .closeDelimited && !bodyless)
        if closes {
            buffer += "Connection: close\r\n".utf8
        } else if version == .http1_0 {
            buffer += "Connection: keep-alive\r\n".utf8
        }
        buffer += crlf
    }

    /// Appends one chunk (`size-in-hex CRLF data CRLF`, RFC 9112 §7.1); nothing for empty input,
    /// since an empty chunk would end the body.
    public static func encodeChunk(_ bytes: [UInt8], into buffer: inout [UInt8]) {
        guard !bytes.isEmpty else { return }
        appendHex(bytes.count, to: &buffer)
        buffer += crlf
        buffer += bytes
        buffer += crlf
    }

    /// The last chunk with no trailers: `0 CRLF CRLF`, which ends a chunked body.
    public static let lastChunk: [UInt8] = Array("0\r\n\r\n".utf8)

    /// The interim response that invites the body after `Expect: 100-continue` (RFC 9110 §10.1.1).
    public static let continueResponse: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    private static let crlf: [UInt8] = [0x0D, 0x0A]

    private static func appendField<Value: Sequence<UInt8>>(_ name: String, _ value: Value, to buffer: inout [UInt8]) {
        for byte in name.utf8 { buffer.append(HTTPByteClass.isToken(byte) ? byte : UInt8(ascii: "-")) }
        buffer += ": ".utf8
        for byte in value { buffer.append(HTTPByteClass.isFieldValue(byte) ? byte : 0x20) }
        buffer += crlf
    }

    static func appendDecimal(_ value: Int, to buffer: inout [UInt8]) {
        if value < 0 { buffer.append(UInt8(ascii: "-")) }
        appendDigits(value.magnitude, to: &buffer)
    }

    private static func appendDigits(_ value: UInt, to buffer: inout [UInt8]) {
        if value >= 10 { appendDigits(value / 10, to: &buffer) }
        buffer.append(UInt8(0x30 + value % 10))
    }

    private static func appendHex(_ value: Int, to buffer: inout [UInt8]) {
        if value >= 16 { appendHex(value >> 4, to: &buffer) }
        let digit = UInt8(value & 0xF)
        buffer.append(digit < 10 ? 0x30 + digit : 0x57 + digit)
    }
}
