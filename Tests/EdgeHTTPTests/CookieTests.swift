import Testing

@testable import EdgeHTTP

@Suite struct CookieTests {
    @Test func parsesPairsTrimsQuotesAndKeepsTheFirst() {
        #expect(
            HTTPCookies.parse("a=1; b=\"two\";c=; junk; =x; a=ignored; d=x=y")
                == ["a": "1", "b": "two", "c": "", "d": "x=y"])
    }

    @Test func requestMergesEveryCookieField() {
        let request = HTTPRequest(
            head: HTTPRequestHead(method: .get, target: "/", headers: ["Cookie": "a=1", "cookie": "b=2; a=3"]))
        #expect(request.cookies == ["a": "1", "b": "2"])
    }

    @Test func setCookieWithEveryAttribute() throws {
        let cookie = try SetCookie(
            name: "approved", value: "abc.def", path: "/", domain: "example.com", maxAge: 600, expires: 784_111_777,
            httpOnly: true, secure: true, sameSite: .lax)
        #expect(
            cookie.headerValue
                == "approved=abc.def; Path=/; Domain=example.com; Max-Age=600; Expires=Sun, 06 Nov 1994 08:49:37 GMT; "
                + "HttpOnly; Secure; SameSite=Lax")
        var response = HTTPResponse()
        response.setCookie(cookie)
        response.setCookie(try SetCookie(name: "b", value: "\"q\"", sameSite: .strict))
        #expect(response.headers.values("Set-Cookie").count == 2)
        #expect(response.headers.values("Set-Cookie").last == "b=\"q\"; SameSite=Strict")
    }

    @Test(arguments: [
        ("", "v", HTTPCookieError.Code.invalidName), ("a b", "v", .invalidName), ("a;b", "v", .invalidName),
        ("a", "x;HttpOnly", .invalidValue), ("a", "has space", .invalidValue), ("a", "c,d", .invalidValue),
        ("a", "back\\slash", .invalidValue), ("a", "caf\u{E9}", .invalidValue), ("a", "\"open", .invalidValue),
        ("a", "line\r\nX: y", .invalidValue),
    ])
    func invalidNamesAndValuesAreRefused(name: String, value: String, code: HTTPCookieError.Code) {
        #expect(throws: HTTPCookieError.self) { try SetCookie(name: name, value: value) }
        do {
            _ = try SetCookie(name: name, value: value)
        } catch {
            #expect(error.code == code)
        }
    }

    @Test func attributesAreValidatedToo() {
        #expect(throws: HTTPCookieError.self) { try SetCookie(name: "a", value: "b", path: "/x; Domain=evil") }
        #expect(throws: HTTPCookieError.self) { try SetCookie(name: "a", value: "b", domain: "evil.com; x") }
        #expect(throws: HTTPCookieError.self) { try SetCookie(name: "a", value: "b", sameSite: .none) }
        #expect((try? SetCookie(name: "a", value: "b"))?.headerValue == "a=b; SameSite=Lax")
        #expect(throws: Never.self) { try SetCookie(name: "a", value: "b", secure: true, sameSite: .none) }
    }
}
