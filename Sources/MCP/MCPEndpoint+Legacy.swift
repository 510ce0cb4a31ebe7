import EdgeCore
import EdgeHTTP

/// The HTTP+SSE transport of MCP spec 2024-11-05 (basic/transports), as the seed uses it:
/// `GET /sse` opens the stream and names the POST endpoint; `POST /messages` answers 202 and the
/// reply goes out on the stream.
extension MCPEndpoint {
    func legacyOpen(_ request: HTTPRequest) -> HTTPResponse {
        guard Self.accepts(request, "text/event-stream") || request.headers["Accept"] == nil else {
            return Self.failure(HTTPStatus(406), .invalidRequest("Accept must list text/event-stream"))
        }
        let live = LiveSession(
            MCPSession(id: Self.newSessionID(), user: configuration.user(request), transport: "sse"), saved: false)
        let channel = live.addChannel(prefix: "legacy", replayCapacity: configuration.replayCapacity, numbered: false)
        register(live)
        // Relative and same-origin: the client resolves it against the /sse URL.
        channel.publish(event: "endpoint", data: "/messages?sessionId=\(live.id)")
        let heartbeat = configuration.heartbeatInterval
        return HTTPResponse(
            status: .ok, headers: Self.eventStreamHeaders(),
            body: .stream { stream in
                await channel.pump(to: stream, after: 0, heartbeat: heartbeat, watchClient: true)
                // The stream is the session: when the client goes, so does the session.
                await self.terminate(live)
            })
    }

    func legacyPost(_ request: HTTPRequest) async -> HTTPResponse {
        let query = QueryParameters(parsing: request.head.query)
        guard let sessionID = query.first("sessionId") ?? query.first("session_id") else {
            return Self.failure(.badRequest, .invalidRequest("the sessionId query parameter is required"))
        }
        guard let live = sessions.withLock({ $0[sessionID] }), live.session.user == configuration.user(request),
            live.session.state != .closed, let channel = live.channel("legacy")
        else {
            return Self.failure(.notFound, .invalidRequest("session not found; open /sse again"))
        }
        let contentType = request.headers["Content-Type"]?.lowercased() ?? ""
        guard contentType.hasPrefix("application/json") else {
            return Self.failure(
                HTTPStatus(415), .invalidRequest("Content-Type must be application/json, received \(contentType)"))
        }
        let message: JSONRPCMessage
        do {
            guard case .single(let single) = try JSONRPCMessage.decodeBody(request.body) else {
                return Self.failure(.badRequest, .invalidRequest("batches are not accepted on /messages"))
            }
            message = single
        } catch {
            return Self.failure(.badRequest, error)
        }
        let action = live.receive(message, server: configuration.server)
        Task {
            if let answer = await perform(action, live: live, channel: channel) { channel.publish(answer) }
        }
        return HTTPResponse(status: .accepted, headers: ["Content-Type": "text/plain"], bytes: Array("Accepted".utf8))
    }
}
