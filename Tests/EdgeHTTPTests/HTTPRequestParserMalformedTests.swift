import Testing

@testable import EdgeHTTP

/// Malformed requests and smuggling attempts are refused with the right status, whatever the split.
@Suite struct HTTPRequestParserMalformedTests {
    struct Row: Sendable, CustomTestStringConvertible {
        let name: String
        let raw: String
        let status: Int
        var testDescription: String { "\(name) -> \(status)" }
        init(_ name: String, _ raw: String, _ status: Int) {
            self.name = name
            self.raw = raw
            self.status = status
        }
    }

    static let head = "POST / HTTP/1.1\r\nHost: h\r\n"

    static let rows: [Row] = [
        // Framing (RFC 9112 §6.3) and request smuggling.
        Row(
            "both Content-Length and Transfer-Encoding",
            head + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
        Row(
            "Transfer-Encoding before Content-Length", head + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n",
            400),
        Row("differing Content-Length fields", head + "Content-Length: 5\r\nContent-Length: 6\r\n\r\n", 400),
        Row("differing Content-Length list", head + "Content-Length: 5, 6\r\n\r\n", 400),
        Row("Content-Length empty list element", head + "Content-Length: 5,\r\n\r\n", 400),
        Row("non-numeric Content-Length", head + "Content-Length: abc\r\n\r\n", 400),
        Row("negative Content-Length", head + "Content-Length: -1\r\n\r\n", 400),
        Row("signed Content-Length", head + "Content-Length: +5\r\n\r\n", 400),
        Row("hexadecimal Content-Length", head + "Content-Length: 0x10\r\n\r\n", 400),
        Row("overflowing Content-Length", head + "Content-Length: 99999999999999999999999\r\n\r\n", 400),
        Row("empty Content-Length", head + "Content-Length:\r\n\r\n", 400),
        Row("Transfer-Encoding in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
        Row("unsupported transfer coding", head + "Transfer-Encoding: gzip\r\n\r\n", 501),
        Row("coding before chunked", head + "Transfer-Encoding: gzip, chunked\r\n\r\n", 501),
        Row("chunked not last", head + "Transfer-Encoding: chunked, gzip\r\n\r\n", 400),
        Row(
            "chunked not last across fields", head + "Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n\r\n",
            400),
        Row("empty Transfer-Encoding", head + "Transfer-Encoding: \r\n\r\n", 400),
        // Field lines (RFC 9112 §5).
        Row("obsolete line folding", head + "X-A: one\r\n two\r\n\r\n", 400),
        Row("folding with a tab", head + "X-A: one\r\n\ttwo\r\n\r\n", 400),
        Row("space before the colon", head + "Content-Length : 3\r\n\r\nabc", 400),
        Row("tab before the colon", head + "X-A\t: 1\r\n\r\n", 400),
        Row("control character in a name", head + "X-\u{1}A: 1\r\n\r\n", 400),
        Row("space inside a name", head + "X A: 1\r\n\r\n", 400),
        Row("NUL in a value", head + "X-A: a\u{0}b\r\n\r\n", 400),
        Row("DEL in a value", head + "X-A: a\u{7F}b\r\n\r\n", 400),
        Row("escape in a value", head + "X-A: a\u{1B}b\r\n\r\n", 400),
        Row("field without a colon", head + "X-A\r\n\r\n", 400),
        Row("field with an empty name", head + ": x\r\n\r\n", 400),
        // Line endings: CRLF only.
        Row("bare CR in a value", head + "X-A: a\rb\r\n\r\n", 400),
        Row("bare CR in the request line", "GET /\r HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        Row("bare CR as a line ending", "GET / HTTP/1.1\rHost: h\r\n\r\n", 400),
        Row("lone LF ending the request line", "GET / HTTP/1.1\nHost: h\r\n\r\n", 400),
        Row("lone LF ending the head", "GET / HTTP/1.1\r\nHost: h\n\n", 400),
        Row("lone LF before the request", "\nGET / HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        // Host (RFC 9112 §3.2).
        Row("HTTP/1.1 without Host", "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", 400),
        Row("two Host fields", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
        // Request line (RFC 9112 §3).
        Row("HTTP/2.0", "GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505),
        Row("HTTP/1.2", "GET / HTTP/1.2\r\nHost: h\r\n\r\n", 505),
        Row("HTTP/0.9 request line", "GET /\r\n\r\n", 400),
        Row("lower-case version", "GET / http/1.1\r\nHost: h\r\n\r\n", 400),
        Row("version with letters", "GET / HTTP/1.x\r\nHost: h\r\n\r\n", 400),
        Row("method with a separator", "G(T / HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        Row("empty method", " / HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        Row("two spaces after the method", "GET  / HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        Row("space inside the target", "GET /a b HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        Row("trailing space after the version", "GET / HTTP/1.1 \r\nHost: h\r\n\r\n", 400),
        Row("non-ASCII target", "GET /caf\u{E9} HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        Row("tab in the target", "GET /a\tb HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        Row("asterisk target for GET", "GET * HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        Row("relative target", "GET index.html HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        Row("absolute target without host", "GET http:///x HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        Row("CONNECT", "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n", 501),
        // Chunked bodies (RFC 9112 §7.1).
        Row("non-hex chunk size", head + "Transfer-Encoding: chunked\r\n\r\nzz\r\n", 400),
        Row("empty chunk size", head + "Transfer-Encoding: chunked\r\n\r\n\r\n", 400),
        Row("signed chunk size", head + "Transfer-Encoding: chunked\r\n\r\n-1\r\n", 400),
        Row("overflowing chunk size", head + "Transfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\n", 400),
        Row("junk after chunk size", head + "Transfer-Encoding: chunked\r\n\r\n5 x\r\nhello\r\n0\r\n\r\n", 400),
        Row(
            "control in chunk extension", head + "Transfer-Encoding: chunked\r\n\r\n5;a=\u{1}\r\nhello\r\n0\r\n\r\n",
            400),
        Row("chunk data without CRLF", head + "Transfer-Encoding: chunked\r\n\r\n5\r\nhelloX\r\n0\r\n\r\n", 400),
        Row("chunk data with CR only", head + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\rX0\r\n\r\n", 400),
        Row("chunk-size line ending in LF", head + "Transfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n", 400),
        Row("folded trailer", head + "Transfer-Encoding: chunked\r\n\r\n0\r\nX-T: 1\r\n 2\r\n\r\n", 400),
        Row("trailer without colon", head + "Transfer-Encoding: chunked\r\n\r\n0\r\nX-T\r\n\r\n", 400),
    ]

    @Test(arguments: rows)
    func isRefusedWithItsStatus(_ row: Row) {
        let input = bytes(row.raw)
        for pieces in [[input], input.map { [$0] }] {
            let events = parse(pieces)
            #expect(firstError(events)?.status.code == row.status, "events: \(events)")
            #expect(events.last.map { if case .error = $0 { true } else { false } } == true, "an error ends the events")
        }
    }

    @Test func errorIsReportedOnceAndLaterBytesAreDropped() {
        var parser = HTTPRequestParser()
        parser.append(bytes(Self.head + "Content-Length: x\r\n\r\n"))
        guard case .error(let error) = parser.next() else {
            Issue.record("expected an error")
            return
        }
        #expect(error.reason == "Content-Length is not a decimal number")
        #expect(parser.next() == nil)
        parser.append(bytes("GET / HTTP/1.1\r\nHost: h\r\n\r\n"))
        #expect(parser.next() == nil)
        #expect(parser.bufferedByteCount == 0)
    }

    @Test func smugglingReasonIsHumanReadable() {
        let events = parse([bytes(Self.head + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n")])
        #expect(
            firstError(events)
                == HTTPParseError(status: .badRequest, reason: "both Content-Length and Transfer-Encoding"))
    }

    @Test func headIsNotReportedBeforeFramingIsChecked() {
        let events = parse([bytes(Self.head + "Content-Length: 1\r\nContent-Length: 2\r\n\r\n")])
        #expect(events.count == 1)
    }
}
