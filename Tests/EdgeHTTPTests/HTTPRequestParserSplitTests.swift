import Testing

@testable import EdgeHTTP

/// Valid requests give the same events however their bytes are split across reads.
@Suite struct HTTPRequestParserSplitTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let raw: String
        let expected: [HTTPParserEvent]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "GET", raw: "GET /health?x=1 HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n",
            expected: [
                .head(
                    HTTPRequestHead(
                        method: .get, target: "/health?x=1", headers: ["Host": "example.com", "Accept": "*/*"])), .end,
            ]),
        Case(
            name: "POST with Content-Length",
            raw: "POST /token HTTP/1.1\r\nhost: a\r\ncontent-length: 11\r\n\r\nhello world",
            expected: [
                .head(
                    HTTPRequestHead(method: .post, target: "/token", headers: ["host": "a", "content-length": "11"])),
                .body(bytes("hello world")), .end,
            ]),
        Case(
            name: "chunked with extension and trailers",
            raw: "POST /mcp HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;name=value\r\nhello\r\n1A\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nX-Checksum: 1\r\n\r\n",
            expected: [
                .head(
                    HTTPRequestHead(
                        method: .post, target: "/mcp", headers: ["Host": "a", "Transfer-Encoding": "chunked"])
                ),
                .body(bytes("helloabcdefghijklmnopqrstuvwxyz")), .end,
            ]),
        Case(
            name: "pipelined pair",
            raw: "GET /a HTTP/1.1\r\nHost: h\r\n\r\nPOST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nok",
            expected: [
                .head(HTTPRequestHead(method: .get, target: "/a", headers: ["Host": "h"])), .end,
                .head(HTTPRequestHead(method: .post, target: "/b", headers: ["Host": "h", "Content-Length": "2"])),
                .body(bytes("ok")), .end,
            ]),
        Case(
            name: "Expect: 100-continue",
            raw: "PUT /f HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc",
            expected: [
                .head(
                    HTTPRequestHead(
                        method: .put, target: "/f",
                        headers: ["Host": "h", "Expect": "100-continue", "Content-Length": "3"])),
                .body(bytes("abc")), .end,
            ]),
        Case(
            name: "HEAD", raw: "HEAD / HTTP/1.1\r\nHost: h\r\n\r\n",
            expected: [.head(HTTPRequestHead(method: .head, target: "/", headers: ["Host": "h"])), .end]),
        Case(
            name: "HTTP/1.0 keep-alive without Host",
            raw: "GET /x HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /y HTTP/1.0\r\n\r\n",
            expected: [
                .head(
                    HTTPRequestHead(
                        method: .get, target: "/x", version: .http1_0, headers: ["Connection": "keep-alive"])),
                .end,
                .head(HTTPRequestHead(method: .get, target: "/y", version: .http1_0)), .end,
            ]),
        Case(
            name: "empty lines before the request line, OWS around values",
            raw: "\r\n\r\nGET / HTTP/1.1\r\nHost:h\r\nX-A: \t spaced value \t\r\n\r\n",
            expected: [
                .head(HTTPRequestHead(method: .get, target: "/", headers: ["Host": "h", "X-A": "spaced value"])), .end,
            ]),
        Case(
            name: "absolute-form target becomes origin-form and sets Host",
            raw: "GET http://example.com:8080/p?q=1 HTTP/1.1\r\nHost: other\r\n\r\n",
            expected: [
                .head(HTTPRequestHead(method: .get, target: "/p?q=1", headers: ["Host": "example.com:8080"])), .end,
            ]
        ),
        Case(
            name: "OPTIONS *", raw: "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n",
            expected: [.head(HTTPRequestHead(method: .options, target: "*", headers: ["Host": "h"])), .end]),
        Case(
            name: "identical repeated Content-Length",
            raw: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2, 2\r\n\r\nhi",
            expected: [
                .head(HTTPRequestHead(method: .post, target: "/", headers: ["Host": "h", "Content-Length": "2, 2"])),
                .body(bytes("hi")), .end,
            ]),
    ]

    @Test(arguments: cases)
    func everySplitGivesTheSameEvents(_ testCase: Case) {
        let input = bytes(testCase.raw)
        for pieces in splits(of: input) {
            let events = parse(pieces)
            #expect(events == testCase.expected, "split into \(pieces.map(\.count))")
            if events != testCase.expected { return }
        }
    }
}
