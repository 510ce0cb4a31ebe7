import Testing

@testable import EdgeHTTP

@Suite struct HTTPResponseFramingTests {
    static let stream = HTTPResponse(body: .stream({ _ in }))

    @Test func bytesAreLengthFramedAndStreamsChunkedOnlyForHTTP11() {
        let get11 = HTTPRequestHead(method: .get, target: "/", headers: ["Host": "h"])
        let get10 = HTTPRequestHead(method: .get, target: "/", version: .http1_0, headers: ["Connection": "keep-alive"])
        #expect(HTTPResponse.text("hello").framing(for: get11) == .length(5))
        #expect(Self.stream.framing(for: get11) == .chunked)
        #expect(Self.stream.framing(for: get10) == .closeDelimited)
        #expect(Self.stream.keepsAlive(for: get11))
        #expect(!Self.stream.keepsAlive(for: get10))
        #expect(HTTPResponse.text("x").keepsAlive(for: get10))
    }

    @Test func headAndBodylessStatusesCarryNoBody() {
        let head = HTTPRequestHead(method: .head, target: "/", headers: ["Host": "h"])
        let get = HTTPRequestHead(method: .get, target: "/", headers: ["Host": "h"])
        #expect(HTTPResponse.text("hello").framing(for: head) == .length(5))
        #expect(!HTTPResponse.text("hello").carriesBody(for: head))
        #expect(HTTPResponse.text("hello").carriesBody(for: get))
        #expect(!HTTPResponse(status: .noContent).carriesBody(for: get))
        #expect(!HTTPResponse(status: HTTPStatus(304)).carriesBody(for: get))
    }

    @Test(arguments: [
        (HTTPVersion.http1_1, "", true), (.http1_1, "close", false), (.http1_1, "Keep-Alive, Close", false),
        (.http1_0, "", false), (.http1_0, "keep-alive", true), (.http1_0, "Keep-Alive", true),
    ])
    func keepAliveFollowsVersionAndConnection(version: HTTPVersion, connection: String, expected: Bool) {
        var headers: HTTPHeaders = ["Host": "h"]
        if !connection.isEmpty { headers.add("Connection", connection) }
        #expect(HTTPRequestHead(method: .get, target: "/", version: version, headers: headers).keepAlive == expected)
    }
}
