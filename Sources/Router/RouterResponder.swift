import EdgeCore
import EdgeHTTP
import Foundation

/// The router's answer to every HTTP request: `/health` and `/metrics` here, the OAuth endpoints
/// here (with `auth = "oauth"`), object routes to their host (`RequestForwarder`) after the
/// bearer check when OAuth is on, anything else 404. Every answer is counted in `RouterMetrics`.
struct RouterResponder: HTTPResponder {
    let routes: RouteTable
    let pool: HostPool
    let metrics: RouterMetrics
    let forwarder: RequestForwarder
    /// The OAuth side; nil with `auth = "none"`.
    let oauth: OAuthGate?

    /// The OAuth routes' own limits (registration and forms are small); the default elsewhere.
    func bodyLimit(for head: HTTPRequestHead) -> Int {
        if let oauth, case .oauth = routes.decide(path: head.path) { return oauth.routes.bodyLimit(for: head) }
        return HTTPReply.defaultBodyLimit
    }

    /// The path the benchmark compares against: answered by the router itself with the same small
    /// body a trivial object returns, only when demo routes are on.
    static let directPath = "/_router/direct"

    func respond(to request: HTTPRequest) -> HTTPReply {
        let started = ContinuousClock.now
        switch routes.decide(path: request.path) {
        case .health:
            let body = "{\"status\":\"ok\",\"live_hosts\":\(pool.liveHostIDs.count)}"
            return .now(record(.json(body), kind: "health", since: started))
        case .metrics:
            return .later {
                let text = MetricsExposition.render(
                    metrics.snapshot, liveHosts: pool.liveHostIDs, hostCounters: await pool.hostCounters())
                let response = HTTPResponse(
                    status: .ok, headers: ["Content-Type": MetricsExposition.contentType], bytes: Array(text.utf8))
                return record(response, kind: "metrics", since: started)
            }
        case .object(let objectClass, let objectID, let props, let kind, let prefix):
            var addressed = request
            addressed.head.target = RouteTable.target(request.head.target, stripping: prefix)
            return .later { [addressed] in
                let response = await forwarder.forward(
                    addressed, objectClass: objectClass, objectID: objectID, props: props)
                return record(response, kind: kind, since: started)
            }
        case .oauth:
            guard let oauth else {
                return .now(record(.text("not found\n", status: .notFound), kind: "not_found", since: started))
            }
            switch oauth.routes.respond(to: request) {
            case .now(let response): return .now(record(response, kind: "oauth", since: started))
            case .later(let work): return .later { record(await work(), kind: "oauth", since: started) }
            case .drop: return .drop
            }
        case .authenticated(let objectClass, let kind):
            guard let oauth else {
                return .now(record(.text("not found\n", status: .notFound), kind: "not_found", since: started))
            }
            if request.method == .options { return .now(record(OAuthGate.preflight(), kind: kind, since: started)) }
            return .later {
                let scopes = ScopePolicy.requiredScopes(method: request.method, body: request.body)
                switch await oauth.bearer.authenticate(request, requiredScopes: scopes) {
                case .refused(var response, _):
                    OAuthGate.exposeChallenge(&response)
                    return record(response, kind: "unauthorized", since: started)
                case .authorized(let grant):
                    let response = await forwarder.forward(
                        request, objectClass: objectClass, objectID: grant.objectId, props: OAuthGate.props(for: grant))
                    return record(response, kind: kind, since: started)
                }
            }
        case .notFound:
            if routes.demoRoutes, request.path == Self.directPath {
                return .now(record(.text("ok\n"), kind: "direct", since: started))
            }
            return .now(record(.text("not found\n", status: .notFound), kind: "not_found", since: started))
        }
    }

    func record(_ response: HTTPResponse, kind: String, since start: ContinuousClock.Instant) -> HTTPResponse {
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        metrics.recordRequest(kind: kind, status: response.status.code, seconds: seconds)
        return response
    }
}
