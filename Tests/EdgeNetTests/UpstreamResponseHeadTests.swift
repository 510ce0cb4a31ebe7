import EdgeHTTP
import Testing

@testable import EdgeNet

/// The response-head collector fed the bytes libcurl hands over, split at every position.
@Suite("Upstream response head collection")
struct UpstreamResponseHeadTests {
    static let cases: [(name: String, input: String, status: Int, fields: [String])] = [
        (
            "final head with repeated fields",
            "HTTP/1.1 201 Created\r\nLocation: /orders/42\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n",
            201, ["Location=/orders/42", "Set-Cookie=a=1", "Set-Cookie=b=2"]
        ),
        (
            "interim 100 Continue is dropped",
            "HTTP/1.1 100 Continue\r\nX-Interim: yes\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n",
            200, ["Content-Length=2"]
        ),
        (
            "a proxy's CONNECT reply is replaced by the origin's head",
            "HTTP/1.1 200 Connection established\r\n\r\nHTTP/2 404\r\ncontent-type: text/plain\r\n\r\n",
            404, ["content-type=text/plain"]
        ),
        (
            "optional whitespace is trimmed, names keep their case",
            "HTTP/1.1 200 OK\r\nSchwab-Client-CorrelId: \t abc-123 \t\r\nX-Empty:\r\n\r\n",
            200, ["Schwab-Client-CorrelId=abc-123", "X-Empty="]
        ),
        (
            "obsolete line folding joins with one space",
            "HTTP/1.1 200 OK\r\nX-Long: first\r\n  second\r\nX-Next: n\r\n\r\n",
            200, ["X-Long=first second", "X-Next=n"]
        ),
        (
            "trailers after the final head are ignored",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nX-Trailer: t\r\n\r\n",
            200, ["Transfer-Encoding=chunked"]
        ),
        (
            "bare LF line endings are accepted",
            "HTTP/1.1 204 No Content\nX-A: 1\n\n",
            204, ["X-A=1"]
        ),
        (
            "lines without a colon are skipped, not fatal",
            "HTTP/1.1 200 OK\r\ngarbage line\r\n: no name\r\nX-Ok: 1\r\n\r\n",
            200, ["X-Ok=1"]
        ),
        (
            "a malformed status line gives status 0",
            "HTTP/1.1 2x0 Odd\r\nX-A: 1\r\n\r\n",
            0, ["X-A=1"]
        ),
    ]

    @Test("collects the final head whatever the split", arguments: cases)
    func collects(name: String, input: String, status: Int, fields: [String]) {
        let bytes = Array(input.utf8)
        for split in 0...bytes.count {
            var head = UpstreamResponseHead()
            head.feed(bytes[..<split])
            head.feed(bytes[split...])
            #expect(head.status == status, "\(name), split at \(split)")
            #expect(head.headers.fields.map { "\($0.name)=\($0.value)" } == fields, "\(name), split at \(split)")
        }
        var byteByByte = UpstreamResponseHead()
        for byte in bytes { byteByByte.feed([byte]) }
        #expect(byteByByte.headers.fields.map { "\($0.name)=\($0.value)" } == fields, "\(name)")
    }

    @Test("state follows interim and final heads")
    func states() {
        var head = UpstreamResponseHead()
        #expect(head.state == .awaitingStatus)
        head.feed(Array("HTTP/1.1 100 Continue\r\n".utf8))
        #expect(head.state == .fields)
        head.feed(Array("\r\n".utf8))
        #expect(head.state == .awaitingStatus)
        head.feed(Array("HTTP/1.1 200 OK\r\n\r\n".utf8))
        #expect(head.state == .complete)
    }

    @Test("header lines before any status line are ignored")
    func fieldsBeforeStatus() {
        var head = UpstreamResponseHead()
        head.feed(Array("X-Stray: 1\r\nHTTP/1.1 200 OK\r\nX-Real: 2\r\n\r\n".utf8))
        #expect(head.headers.fields.map(\.name) == ["X-Real"])
    }
}

/// The form serializer against the WHATWG URL standard's application/x-www-form-urlencoded rules.
@Suite("Upstream form encoding")
struct UpstreamFormEncoderTests {
    static let components: [(plain: String, encoded: String)] = [
        ("abcXYZ019", "abcXYZ019"),
        ("*-._", "*-._"),
        ("a b", "a+b"),
        ("~!'()", "%7E%21%27%28%29"),
        ("&=+%", "%26%3D%2B%25"),
        ("/?#[]@:", "%2F%3F%23%5B%5D%40%3A"),
        ("é€", "%C3%A9%E2%82%AC"),
        ("\n\t", "%0A%09"),
        ("", ""),
    ]

    @Test("components", arguments: components)
    func component(plain: String, encoded: String) {
        #expect(UpstreamFormEncoder.encodeComponent(plain) == encoded)
    }

    @Test("fields keep their order and repeat freely")
    func fields() {
        let body = UpstreamFormEncoder.encode([("b", "2"), ("a", "1"), ("b", "3"), ("", "")])
        #expect(body == "b=2&a=1&b=3&=")
        let request = UpstreamRequest.form(url: "http://x/", fields: [("k", "v w")])
        #expect(request.body == Array("k=v+w".utf8))
        #expect(request.headers["Content-Type"] == "application/x-www-form-urlencoded")
        #expect(request.method == .post)
    }

    @Test("builders keep caller-set content type and accept headers")
    func builderHeaders() {
        let json = UpstreamRequest.json(
            url: "http://x/", body: [],
            headers: ["Accept": "text/plain", "Content-Type": "application/merge-patch+json"])
        #expect(json.headers.values("Accept") == ["text/plain"])
        #expect(json.headers.values("Content-Type") == ["application/merge-patch+json"])
    }
}
