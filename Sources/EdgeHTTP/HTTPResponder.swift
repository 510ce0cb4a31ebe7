/// What a server asks of the code that answers its requests.
///
/// The server calls `bodyLimit(for:)` once the head has arrived (so a route can accept more or
/// less than the default 1 MiB, RFC 9110 §15.5.14 413), then `respond(to:)` with the whole
/// request on the event-loop thread. Cheap answers return `.now` and are written without leaving
/// the loop; anything that waits (an upstream call, a KV round trip, added latency) returns
/// `.later`, which runs on the cooperative thread pool.
public protocol HTTPResponder: Sendable {
    /// The largest request body accepted for this head.
    func bodyLimit(for head: HTTPRequestHead) -> Int
    /// Answers one request.
    func respond(to request: HTTPRequest) -> HTTPReply
}

extension HTTPResponder {
    /// 1 MiB, the default the HTTP core promises.
    /// The matched route's body limit, or the 1 MiB default.
    public func bodyLimit(for head: HTTPRequestHead) -> Int { HTTPReply.defaultBodyLimit }
}

/// An answer now, or a promise of one.
public enum HTTPReply: Sendable {
    case now(HTTPResponse)
    case later(@Sendable () async -> HTTPResponse)
    /// Close the connection without an answer: what a crashed or cut-off server looks like to
    /// the client. For fault injection (the sandbox's dropped connections), never for errors,
    /// which deserve a status.
    case drop

    /// The default request body limit: 1 MiB.
    public static let defaultBodyLimit = 1 << 20

    /// The response this reply stands for, awaiting a later one; nil for `.drop`. For code that
    /// calls a responder directly rather than through a server (tests, wrappers).
    public func response() async -> HTTPResponse? {
        switch self {
        case .now(let response): response
        case .later(let work): await work()
        case .drop: nil
        }
    }
}

/// A responder built from routes: each route has a handler and, optionally, its own body limit.
/// Unknown paths answer 404; known paths under another method answer 405 with `Allow`.
public struct RoutedResponder: HTTPResponder {
    /// A route's handler: request in (with `parameters` filled), reply out.
    public typealias Handler = @Sendable (HTTPRequest) -> HTTPReply

    private struct Entry: Sendable {
        let handler: Handler
        let bodyLimit: Int
    }

    private var router = HTTPRouter<Entry>()

    /// No routes yet: every request is a 404.
    public init() {}

    /// Adds a route; `bodyLimit` overrides the 1 MiB default for it.
    public mutating func add(
        _ method: HTTPMethod, _ pattern: String, bodyLimit: Int = HTTPReply.defaultBodyLimit,
        _ handler: @escaping Handler
    ) {
        router.add(method, pattern, Entry(handler: handler, bodyLimit: bodyLimit))
    }

    /// The matched route's body limit, or the 1 MiB default.
    public func bodyLimit(for head: HTTPRequestHead) -> Int {
        if case .found(let entry, _) = router.match(head.method, path: head.path) { return entry.bodyLimit }
        return HTTPReply.defaultBodyLimit
    }

    /// Runs the matched route's handler; 404 or 405 (with `Allow`) otherwise.
    public func respond(to request: HTTPRequest) -> HTTPReply {
        switch router.match(request.method, path: request.path) {
        case .found(let entry, let parameters):
            var routed = request
            routed.parameters = parameters
            return entry.handler(routed)
        case .methodNotAllowed(let allowed):
            var response = HTTPResponse.text("method not allowed\n", status: .methodNotAllowed)
            response.headers.set("Allow", allowed.map(\.rawValue).joined(separator: ", "))
            return .now(response)
        case .notFound:
            return .now(.text("not found\n", status: .notFound))
        }
    }
}
