import Testing

@testable import EdgeHTTP

/// Requests parsed from bytes and answered by routes: the path from the wire to a handler.
@Suite struct RoutedResponderTests {
    func responder() -> RoutedResponder {
        var routes = RoutedResponder()
        routes.add(.get, "/health") { _ in .now(.text("ok\n")) }
        routes.add(.get, "/users/:id") { request in
            .now(.text("user \(request.parameters["id"] ?? "?") sort=\(request.queryParameters.first("sort") ?? "-")"))
        }
        routes.add(.post, "/upload", bodyLimit: 16) { request in .now(.text("got \(request.body.count)")) }
        routes.add(.delete, "/users/:id") { _ in .now(HTTPResponse(status: .noContent)) }
        return routes
    }

    /// Parses one request from raw bytes, applying the route's body limit as the server does.
    func exchange(_ raw: String) -> (status: Int, body: String, headers: HTTPHeaders)? {
        let routes = responder()
        var parser = HTTPRequestParser()
        parser.append(Array(raw.utf8))
        var request: HTTPRequest?
        while let event = parser.next() {
            switch event {
            case .head(let head):
                parser.setBodyLimit(routes.bodyLimit(for: head))
                request = HTTPRequest(head: head)
            case .body(let bytes): request?.body += bytes
            case .end:
                guard let request, case .now(let response) = routes.respond(to: request),
                    case .bytes(let body) = response.body
                else { return nil }
                return (response.status.code, String(decoding: body, as: UTF8.self), response.headers)
            case .error(let error): return (error.status.code, error.reason, [:])
            }
        }
        return nil
    }

    @Test func routesByPathAndDecodesParametersAndQuery() {
        let answer = exchange("GET /users/J%C3%BCrgen?sort=name+asc HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(answer?.status == 200)
        #expect(answer?.body == "user Jürgen sort=name asc")
    }

    @Test func unknownPathIs404() {
        #expect(exchange("GET /nope HTTP/1.1\r\nHost: h\r\n\r\n")?.status == 404)
    }

    @Test func wrongMethodIs405WithAllow() {
        let answer = exchange("PUT /users/7 HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n")
        #expect(answer?.status == 405)
        #expect(answer?.headers["Allow"] == "GET, DELETE, HEAD")
    }

    @Test func routeBodyLimitIsEnforcedByTheParser() {
        #expect(
            exchange("POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 16\r\n\r\n0123456789abcdef")?.body == "got 16"
        )
        #expect(
            exchange("POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 17\r\n\r\n0123456789abcdefg")?.status == 413)
        let chunked =
            "POST /upload HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n0123456789abcdef\r\n1\r\nx\r\n0\r\n\r\n"
        #expect(exchange(chunked)?.status == 413)
    }

    @Test func headIsAnsweredByTheGetRoute() {
        #expect(exchange("HEAD /health HTTP/1.1\r\nHost: h\r\n\r\n")?.body == "ok\n")
    }

    @Test func earlierRouteWinsAndEmptyParameterDoesNotMatch() {
        var router = HTTPRouter<Int>()
        router.add(.get, "/a/:x", 1)
        router.add(.get, "/a/fixed", 2)
        guard case .found(let first, _) = router.match(.get, path: "/a/fixed") else {
            Issue.record("no match")
            return
        }
        #expect(first == 1)
        guard case .notFound = router.match(.get, path: "/a/") else {
            Issue.record("an empty segment must not bind a parameter")
            return
        }
    }
}
