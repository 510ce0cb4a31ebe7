import EdgeCore
import EdgeHTTP
import Synchronization

/// The MCP endpoint of one user's object: answers `/sse` and `/messages` (HTTP+SSE, MCP spec
/// 2024-11-05) and `/mcp` (Streamable HTTP, MCP spec 2025-03-26 to 2025-11-25) for every
/// session of that user, keeping session records in an `MCPSessionStore` so that another
/// instance over the same store carries a session on after a host failure.
public final class MCPEndpoint: HTTPResponder {
    /// What the endpoint serves and which requests it accepts.
    public struct Configuration: Sendable {
        /// Name, version, instructions.
        public var server: MCPServerInfo
        /// The tools.
        public var tools: ToolCatalog
        /// Where session records live.
        public var store: any MCPSessionStore
        /// Allowed `Host` values (`host` matches any port, `host:port` one); empty allows any.
        public var allowedHosts: [String]
        /// Allowed `Origin` values (`scheme://host[:port]`); an origin whose authority is an
        /// allowed host is accepted too. Empty with empty `allowedHosts` allows any.
        public var allowedOrigins: [String]
        /// Idle time after which an SSE stream sends a comment heartbeat.
        public var heartbeatInterval: Duration
        /// Events kept per stream for `Last-Event-ID` replay.
        public var replayCapacity: Int
        /// The `retry:` hint (ms) sent in 2025-11-25 stream primers.
        public var retryMilliseconds: Int
        /// The user an (already authenticated) request belongs to; the router passes it.
        public var user: @Sendable (HTTPRequest) -> String
        /// Key prefix of session records in the store.
        public var keyPrefix: String
        /// Sessions kept in memory; past this, idle saved ones are dropped (the store still has
        /// them, so they come back on their next request).
        public var maxLiveSessions: Int
        /// Where store failures are reported; session ids never appear in these lines, since
        /// an id is all a client needs to use a session.
        public var logger: Logger?
        /// The executor tool calls' tasks prefer (a session host's event loop, so a quick tool
        /// answers without a thread hop); nil runs them on the global executor. A tool on it
        /// must not block.
        public var executor: (any TaskExecutor)?

        /// A configuration with development defaults: localhost hosts only, 15 s heartbeats,
        /// 256 replayable events per stream, one anonymous user.
        public init(
            server: MCPServerInfo, tools: ToolCatalog, store: any MCPSessionStore,
            allowedHosts: [String] = ["127.0.0.1", "localhost", "[::1]"], allowedOrigins: [String] = [],
            heartbeatInterval: Duration = .seconds(15), replayCapacity: Int = 256, retryMilliseconds: Int = 1000,
            user: @escaping @Sendable (HTTPRequest) -> String = { _ in "anonymous" },
            keyPrefix: String = "mcp/session/",
            maxLiveSessions: Int = 1000, logger: Logger? = nil, executor: (any TaskExecutor)? = nil
        ) {
            self.server = server
            self.tools = tools
            self.store = store
            self.allowedHosts = allowedHosts
            self.allowedOrigins = allowedOrigins
            self.heartbeatInterval = heartbeatInterval
            self.replayCapacity = replayCapacity
            self.retryMilliseconds = retryMilliseconds
            self.user = user
            self.keyPrefix = keyPrefix
            self.maxLiveSessions = maxLiveSessions
            self.logger = logger
            self.executor = executor
        }
    }

    /// The configuration in force.
    public let configuration: Configuration
    let sessions = Mutex<[String: LiveSession]>([:])
    let started = ContinuousClock.now

    /// An endpoint with no live sessions; sessions in the store are picked up on first use.
    public init(configuration: Configuration) { self.configuration = configuration }

    /// Answers every request later (it may wait on the store or a tool).
    public func respond(to request: HTTPRequest) -> HTTPReply {
        .later { await self.handle(request) }
    }

    /// An answer now, or the part of it that may run later (see `stage(_:)`).
    public enum Staged: Sendable {
        /// The whole answer.
        case now(HTTPResponse)
        /// Every check passed and the session took the message; awaiting this runs the call
        /// and gives the answer (always a 200 JSON-RPC response).
        case later(@Sendable () async -> HTTPResponse)
    }

    /// Answers `request` like `handle(_:)`, except that a single JSON `tools/call` POST to `/mcp`
    /// stops once it is accepted: Host, Origin, media types, session, protocol version and the
    /// session's state machine have all judged it, in this call, and only running the tool is
    /// left (`.later`). A caller that must keep requests in order (a durable object's mailbox)
    /// stages in order and runs the tool outside, so a cancellation or an elicitation answer for
    /// a long call is not queued behind it.
    public func stage(_ request: HTTPRequest) async -> Staged {
        guard request.path == "/mcp", request.method == .post else { return .now(await handle(request)) }
        if let refusal = checkHostAndOrigin(request) { return .now(refusal) }
        return await stagePost(request)
    }

    /// Answers one request to `/sse`, `/messages` or `/mcp`.
    public func handle(_ request: HTTPRequest) async -> HTTPResponse {
        if let refusal = checkHostAndOrigin(request) { return refusal }
        switch request.path {
        case "/mcp":
            switch request.method {
            case .post: return await streamablePost(request)
            case .get: return await streamableGet(request)
            case .delete: return await streamableDelete(request)
            default: return Self.methodNotAllowed("GET, POST, DELETE")
            }
        case "/sse":
            guard request.method == .get else { return Self.methodNotAllowed("GET") }
            return legacyOpen(request)
        case "/messages":
            guard request.method == .post else { return Self.methodNotAllowed("POST") }
            return await legacyPost(request)
        default:
            return Self.failure(.notFound, JSONRPCError.invalidRequest("no MCP endpoint at \(request.path)"))
        }
    }

    /// 421 for a `Host` outside the allowlist and 403 for a foreign `Origin`: the DNS
    /// rebinding defence of MCP spec 2025-11-25, basic/transports "Security Warning".
    func checkHostAndOrigin(_ request: HTTPRequest) -> HTTPResponse? {
        let hosts = configuration.allowedHosts
        if !hosts.isEmpty {
            guard let host = request.headers["Host"], Self.hostAllowed(host, hosts) else {
                return Self.failure(
                    HTTPStatus(421), .invalidRequest("Host \(request.headers["Host"] ?? "(none)") is not served here"))
            }
        }
        if let origin = request.headers["Origin"] {
            let explicit = configuration.allowedOrigins.contains { $0.lowercased() == origin.lowercased() }
            var byHost = false
            if let range = origin.range(of: "://") {
                let authority = String(origin[range.upperBound...])
                byHost = !hosts.isEmpty && Self.hostAllowed(authority, hosts)
            }
            let open = hosts.isEmpty && configuration.allowedOrigins.isEmpty
            if !(explicit || byHost || open) {
                return Self.failure(.forbidden, .invalidRequest("Origin \(origin) is not allowed"))
            }
        }
        return nil
    }

    static func hostAllowed(_ host: String, _ allowed: [String]) -> Bool {
        let value = host.lowercased()
        let name: Substring
        if value.hasPrefix("["), let close = value.firstIndex(of: "]") {
            name = value[...close]
        } else {
            name = value.split(separator: ":", maxSplits: 1).first ?? ""
        }
        return allowed.contains { entry in
            let entry = entry.lowercased()
            return entry == value || entry == name
        }
    }

    /// An HTTP error whose body is a JSON-RPC error object (MCP spec 2025-11-25 allows one
    /// without `id` on 4xx answers).
    static func failure(_ status: HTTPStatus, _ error: JSONRPCError) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "application/json"], bytes: error.response.bytes)
    }

    static func methodNotAllowed(_ allow: String) -> HTTPResponse {
        var response = failure(.methodNotAllowed, .invalidRequest("method not allowed here; use \(allow)"))
        response.headers.set("Allow", allow)
        return response
    }

    static func json(_ message: JSONRPCMessage, headers: HTTPHeaders = [:]) -> HTTPResponse {
        var response = HTTPResponse(status: .ok, headers: headers, bytes: message.bytes)
        response.headers.set("Content-Type", "application/json")
        return response
    }

    static func eventStreamHeaders() -> HTTPHeaders {
        ["Content-Type": "text/event-stream", "Cache-Control": "no-cache", "X-Accel-Buffering": "no"]
    }
}
