import EdgeCore
import EdgeHTTP
import Foundation

/// The sandbox as an `HTTPResponder`: Schwab's OAuth, Trader and Market Data paths, the admin
/// API, fault injection in front of them, and `Schwab-Client-CorrelId` on every answer.
///
/// Most answers are computed on the event loop (`.now`); only injected latency goes `.later`.
public struct SandboxResponder: HTTPResponder {
    /// The shared world the handlers read and change.
    public let state: SandboxState
    private var routes = RoutedResponder()

    /// A handler that either answers or refuses with a `SandboxError`.
    typealias Handler = @Sendable (HTTPRequest) throws(SandboxError) -> HTTPResponse

    /// A responder over `state` with every route installed.
    public init(state: SandboxState) {
        self.state = state
        addOAuthRoutes()
        addTraderRoutes()
        addMarketDataRoutes()
        addAdminRoutes()
        routes.add(.get, "/health") { _ in .now(.text("ok\n")) }
        for method in [HTTPMethod.get, .post, .put, .delete] {
            for prefix in ["/trader/v1", "/marketdata/v1"] {
                add(method, prefix + "/*rest", SandboxAPI.of(path: prefix[...])) { request throws(SandboxError) in
                    throw SandboxError.notFound("No such endpoint: \(request.method) \(request.path)")
                }
            }
        }
    }

    /// Installs `handler` for `method` and `pattern`, rendering its errors in `api`'s shape.
    mutating func add(_ method: HTTPMethod, _ pattern: String, _ api: SandboxAPI, _ handler: @escaping Handler) {
        routes.add(method, pattern) { request in
            do throws(SandboxError) {
                return .now(try handler(request))
            } catch {
                return .now(api.response(for: error))
            }
        }
    }

    /// 256 KiB: the largest order or form any client sends is a few kilobytes.
    public func bodyLimit(for head: HTTPRequestHead) -> Int { 256 * 1024 }

    /// Applies an injected fault if one matches (never to `/admin`), else routes; then stamps a
    /// fresh `Schwab-Client-CorrelId` on the answer, as Schwab does on every response.
    public func respond(to request: HTTPRequest) -> HTTPReply {
        let correlId = UUID().uuidString.lowercased()
        if state.hasFaults.load(ordering: .relaxed), !request.path.hasPrefix("/admin") {
            let rule = state.faults.withLock { plan -> FaultRule? in
                let rule = plan.take(method: request.method.rawValue, path: request.path)
                if plan.rules.isEmpty { state.hasFaults.store(false, ordering: .relaxed) }
                return rule
            }
            if let rule { return injected(rule, request: request, correlId: correlId) }
        }
        return tagged(routes.respond(to: request), correlId: correlId)
    }

    private func injected(_ rule: FaultRule, request: HTTPRequest, correlId: String) -> HTTPReply {
        if rule.drop { return .drop }
        let api = SandboxAPI.of(path: request.path)
        let status = rule.status
        let delay = rule.latencyMs ?? 0
        let inner: HTTPReply
        if let status {
            let message =
                status == 429
                ? "Too many requests (injected fault); back off and retry" : "Injected fault for \(rule.pathPattern)"
            inner = .now(api.response(for: SandboxError(code: "injected_fault", status: status, message: message)))
        } else {
            inner = routes.respond(to: request)
        }
        guard delay > 0 else { return tagged(inner, correlId: correlId) }
        return .later {
            try? await Task.sleep(for: .milliseconds(delay))
            // Drop rules carry no delay (FaultRule.parse refuses the pair), so `inner` answers.
            let response = await inner.response() ?? HTTPResponse(status: .badGateway)
            return SandboxResponder.tag(response, correlId: correlId)
        }
    }

    private func tagged(_ reply: HTTPReply, correlId: String) -> HTTPReply {
        switch reply {
        case .now(let response): return .now(SandboxResponder.tag(response, correlId: correlId))
        case .later(let later): return .later { SandboxResponder.tag(await later(), correlId: correlId) }
        case .drop: return .drop
        }
    }

    static func tag(_ response: HTTPResponse, correlId: String) -> HTTPResponse {
        var response = response
        response.headers.set("Schwab-Client-CorrelId", correlId)
        return response
    }

    /// A JSON response.
    static func json(_ value: JSONValue, status: HTTPStatus = .ok) -> HTTPResponse {
        .json(value.jsonText, status: status)
    }

    /// The parsed query of a request.
    static func query(_ request: HTTPRequest) -> SandboxQuery { SandboxQuery(request.head.query) }
}
