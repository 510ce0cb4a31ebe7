import EdgeHTTP

/// The routes of `schwab-mcp serve-http`: a bare server for smoke tests and benchmarks, and the
/// `/health` route every process mounts.
///
/// - `GET /health`: 200 `ok`, answered on the loop without touching any other process.
/// - `POST /echo`: the request body back, with its `Content-Type`.
/// - `GET /delay?ms=N`: 200 after N milliseconds (at most 60 s), answered `.later`, for drain tests.
/// - `GET /events?count=N&interval_ms=M`: a Server-Sent Event stream of N events (0: until the
///   client leaves or the server drains), M ms apart, with heartbeats when idle.
public enum BareServerRoutes {
    /// The answer to `GET /health`: built once, shared by every request.
    public static let healthResponse = HTTPResponse.text("ok\n")

    /// A responder with the routes above.
    public static func responder() -> RoutedResponder {
        var routes = RoutedResponder()
        routes.add(.get, "/health") { _ in .now(healthResponse) }
        routes.add(.post, "/echo") { request in
            var headers: HTTPHeaders = [:]
            headers.set("Content-Type", request.headers["Content-Type"] ?? "application/octet-stream")
            return .now(HTTPResponse(status: .ok, headers: headers, bytes: request.body))
        }
        routes.add(.get, "/delay") { request in
            let milliseconds = min(60_000, max(0, integer(request, "ms") ?? 100))
            return .later {
                try? await Task.sleep(for: .milliseconds(milliseconds))
                return .text("slept \(milliseconds) ms\n")
            }
        }
        routes.add(.get, "/events") { request in
            let count = max(0, integer(request, "count") ?? 0)
            let interval = min(60_000, max(0, integer(request, "interval_ms") ?? 1000))
            return .now(eventStream(count: count, intervalMilliseconds: interval))
        }
        return routes
    }

    private static func integer(_ request: HTTPRequest, _ name: String) -> Int? {
        for pair in request.head.query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2 && parts[0] == name[...] { return Int(parts[1]) }
        }
        return nil
    }
}
