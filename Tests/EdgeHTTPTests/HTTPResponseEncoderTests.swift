import Testing

@testable import EdgeHTTP

/// The encoder's output, byte for byte.
@Suite struct HTTPResponseEncoderTests {
    static let date = Array("Sun, 06 Nov 1994 08:49:37 GMT".utf8)

    func head(
        _ status: HTTPStatus, _ headers: HTTPHeaders, _ framing: HTTPResponseFraming, keepAlive: Bool = true,
        version: HTTPVersion = .http1_1
    ) -> String {
        var buffer: [UInt8] = []
        HTTPResponseEncoder.encodeHead(
            status, headers: headers, framing: framing, keepAlive: keepAlive, version: version, date: Self.date,
            into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    @Test func lengthFramedKeepAlive() {
        #expect(
            head(.ok, ["Content-Type": "text/plain"], .length(5))
                == "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
                + "Content-Length: 5\r\n\r\n")
    }

    @Test func chunkedWithClose() {
        #expect(
            head(.ok, ["Content-Type": "text/event-stream"], .chunked, keepAlive: false)
                == "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
    }

    @Test func closeDelimitedAlwaysCloses() {
        #expect(
            head(.ok, [:], .closeDelimited, keepAlive: true, version: .http1_0)
                == "HTTP/1.0 200 OK\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nConnection: close\r\n\r\n")
    }

    @Test func http10KeepAliveIsAnnounced() {
        #expect(
            head(.notFound, [:], .length(0), version: .http1_0)
                == "HTTP/1.0 404 Not Found\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nContent-Length: 0\r\n"
                + "Connection: keep-alive\r\n\r\n")
    }

    @Test(arguments: [204, 304, 101])
    func bodylessStatusesGetNoFramingFields(code: Int) {
        let text = head(HTTPStatus(code), [:], .length(10))
        #expect(!text.contains("Content-Length"))
        #expect(text.hasPrefix("HTTP/1.1 \(code) "))
    }

    @Test func callerFramingFieldsAreReplacedAndInjectionIsDefused() {
        let headers: HTTPHeaders = [
            "content-length": "999", "Transfer-Encoding": "gzip", "Connection": "upgrade",
            "X-Evil": "a\r\nSet-Cookie: stolen=1", "Bad Name": "v",
        ]
        #expect(
            head(.ok, headers, .length(2))
                == "HTTP/1.1 200 OK\r\nX-Evil: a  Set-Cookie: stolen=1\r\nBad-Name: v\r\n"
                + "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\nContent-Length: 2\r\n\r\n")
    }

    @Test func existingDateIsKeptAndNoneAdded() {
        var buffer: [UInt8] = []
        HTTPResponseEncoder.encodeHead(
            .ok, headers: ["Date": "x"], framing: .length(0), keepAlive: true, into: &buffer)
        #expect(String(decoding: buffer, as: UTF8.self) == "HTTP/1.1 200 OK\r\nDate: x\r\nContent-Length: 0\r\n\r\n")
    }

    @Test func currentDateIsAddedWhenAbsent() {
        var buffer: [UInt8] = []
        HTTPResponseEncoder.encodeHead(.ok, headers: [:], framing: .length(0), keepAlive: true, into: &buffer)
        let text = String(decoding: buffer, as: UTF8.self)
        let dateLine = text.split(separator: "\r\n").first { $0.hasPrefix("Date: ") }
        #expect(dateLine?.hasSuffix(" GMT") == true)
        #expect(dateLine?.count == "Date: Sun, 06 Nov 1994 08:49:37 GMT".count)
    }

    @Test(arguments: [
        (0, "Thu, 01 Jan 1970 00:00:00 GMT"), (784_111_777, "Sun, 06 Nov 1994 08:49:37 GMT"),
        (951_782_400, "Tue, 29 Feb 2000 00:00:00 GMT"), (4_102_444_799, "Thu, 31 Dec 2099 23:59:59 GMT"),
    ])
    func imfFixdate(seconds: Int, text: String) {
        #expect(HTTPDate.format(epochSeconds: seconds) == text)
    }

    @Test func chunksAndTheLastChunk() {
        var buffer: [UInt8] = []
        HTTPResponseEncoder.encodeChunk(Array("hello".utf8), into: &buffer)
        HTTPResponseEncoder.encodeChunk([], into: &buffer)
        HTTPResponseEncoder.encodeChunk([UInt8](repeating: 0x61, count: 26), into: &buffer)
        buffer += HTTPResponseEncoder.lastChunk
        #expect(
            String(decoding: buffer, as: UTF8.self)
                == "5\r\nhello\r\n1a\r\n" + String(repeating: "a", count: 26) + "\r\n0\r\n\r\n")
        #expect(
            String(decoding: HTTPResponseEncoder.continueResponse, as: UTF8.self) == "HTTP/1.1 100 Continue\r\n\r\n")
    }

    @Test func chunkedOutputParsesBackThroughTheRequestParser() {
        // The response encoder's chunk framing is the same as a request's, so our own parser can
        // check it: what goes in comes out.
        var raw = Array("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
        let pieces: [[UInt8]] = [Array("first".utf8), [UInt8](repeating: 7, count: 300), Array("last".utf8)]
        for piece in pieces { HTTPResponseEncoder.encodeChunk(piece, into: &raw) }
        raw += HTTPResponseEncoder.lastChunk
        let events = parse([raw])
        #expect(events.dropFirst().first == .body(pieces.flatMap { $0 }))
        #expect(events.last == .end)
    }
}
