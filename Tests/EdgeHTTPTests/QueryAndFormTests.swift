import Testing

@testable import EdgeHTTP

@Suite struct QueryAndFormTests {
    func request(_ target: String, contentType: String? = nil, body: String = "") -> HTTPRequest {
        var headers: HTTPHeaders = ["Host": "h"]
        if let contentType { headers.add("Content-Type", contentType) }
        return HTTPRequest(
            head: HTTPRequestHead(method: .post, target: target, headers: headers), body: Array(body.utf8))
    }

    @Test func queryKeepsOrderAndRepeats() {
        let query = request("/authorize?response_type=code&scope=a+b&scope=c%20d&redirect_uri=http%3A%2F%2Fx%2Fcb&flag")
            .queryParameters
        #expect(query.first("response_type") == "code")
        #expect(query.all("scope") == ["a b", "c d"])
        #expect(query.first("redirect_uri") == "http://x/cb")
        #expect(query.first("flag") == "")
        #expect(query.first("missing") == nil)
        #expect(query.pairs.map(\.name) == ["response_type", "scope", "scope", "redirect_uri", "flag"])
    }

    @Test func malformedEscapesInAQueryAreKeptAsWritten() {
        let query = request("/x?a=%zz&b=100%&&c=%E2%9C%93").queryParameters
        #expect(query == ["a": "%zz", "b": "100%", "c": "✓"])
    }

    @Test func encodedRoundTrips() {
        let original: QueryParameters = ["a b": "c&d=e", "✓": "+"]
        #expect(QueryParameters(parsing: original.encoded) == original)
    }

    @Test func formParsesUrlencodedBodies() throws {
        let form = try request(
            "/token", contentType: "application/x-www-form-urlencoded; charset=UTF-8",
            body: "grant_type=authorization_code&code=a%2Bb+c&code_verifier=xyz"
        ).formParameters()
        #expect(form == ["grant_type": "authorization_code", "code": "a+b c", "code_verifier": "xyz"])
    }

    @Test(arguments: [
        (String?.none, "a=1", 415), ("application/json", "a=1", 415),
        ("application/x-www-form-urlencoded", "a=%G0", 400),
        ("application/x-www-form-urlencoded", "a%=1", 400), ("application/x-www-form-urlencoded", "a=%FF", 400),
    ])
    func formErrorsHaveStatuses(contentType: String?, body: String, status: Int) {
        do {
            _ = try request("/token", contentType: contentType, body: body).formParameters()
            Issue.record("expected an error")
        } catch {
            #expect(error.status.code == status)
            #expect(!error.reason.isEmpty)
        }
    }

    @Test func nonUTF8FormBodyIsRefused() {
        var r = request("/token", contentType: "application/x-www-form-urlencoded")
        r.body = [0x61, 0x3D, 0xFF]
        #expect(throws: HTTPParseError.badRequest("form body is not UTF-8")) { try r.formParameters() }
    }

    @Test(arguments: [
        ("100-continue", HTTPVersion.http1_1, true), ("100-Continue", .http1_1, true),
        ("100-continue", .http1_0, false),
        ("something", .http1_1, false),
    ])
    func expectContinue(value: String, version: HTTPVersion, expected: Bool) {
        #expect(
            HTTPRequestHead(method: .put, target: "/", version: version, headers: ["Expect": value]).expectsContinue
                == expected)
    }
}
