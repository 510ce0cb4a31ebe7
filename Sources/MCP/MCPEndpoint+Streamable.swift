import EdgeCore
import EdgeHTTP

/// Streamable HTTP at `/mcp` (MCP spec 2025-11-25, basic/transports "Streamable HTTP").
extension MCPEndpoint {
    static let knownMethods: Set<String> = ["initialize", "ping", "tools/list", "tools/call", "logging/setLevel"]

    func streamablePost(_ request: HTTPRequest) async -> HTTPResponse {
        switch await stagePost(request) {
        case .now(let response): return response
        case .later(let answer): return await answer()
        }
    }

    /// A POST to `/mcp` up to the point where only a JSON `tools/call`'s tool is left to run.
    func stagePost(_ request: HTTPRequest) async -> Staged {
        let contentType = request.headers["Content-Type"]?.lowercased() ?? ""
        guard contentType.hasPrefix("application/json") else {
            return Self.refused(
                HTTPStatus(415), .invalidRequest("Content-Type must be application/json, received \(contentType)"))
        }
        guard Self.accepts(request, "application/json"), Self.accepts(request, "text/event-stream") else {
            return Self.refused(
                HTTPStatus(406), .invalidRequest("Accept must list both application/json and text/event-stream"))
        }
        let body: JSONRPCBody
        do {
            body = try JSONRPCMessage.decodeBody(request.body)
        } catch {
            return Self.refused(.badRequest, error)
        }
        let user = configuration.user(request)
        if case .single(.request(let id, "initialize", _)) = body {
            return .now(await initialize(body, id: id, user: user))
        }
        guard let sessionID = request.headers["Mcp-Session-Id"] else {
            if case .single(.request(let id, let method, _)) = body, !Self.knownMethods.contains(method) {
                // A 2026-07-28 client's `server/discover` lands here: plain -32601 lets it
                // fall back to `initialize` (MCP spec 2026-07-28, basic/versioning).
                return Self.refused(.badRequest, .methodNotFound(method, id: id))
            }
            return Self.refused(.badRequest, .invalidRequest("the Mcp-Session-Id header is required; send initialize"))
        }
        if let refusal = checkVersionHeader(request) { return .now(refusal) }
        guard let live = await lookup(sessionID, user: user) else {
            return Self.refused(.notFound, .invalidRequest("session not found; send initialize again"))
        }
        switch body {
        case .batch(let items):
            return .now(await batch(items, live: live))
        case .single(let message):
            if case .request(let id, "tools/call", let params) = message, wantsStream(params) {
                return .now(stream(message, id: id, live: live))
            }
            let action = live.receive(message, server: configuration.server)
            if case .callTool = action {
                return .later { [self] in
                    guard let answer = await perform(action, live: live, channel: nil) else {
                        return HTTPResponse(status: .accepted)
                    }
                    return Self.json(answer)
                }
            }
            guard let answer = await perform(action, live: live, channel: nil) else {
                return .now(HTTPResponse(status: .accepted))
            }
            return .now(Self.json(answer))
        }
    }

    /// `failure` as a staged answer.
    static func refused(_ status: HTTPStatus, _ error: JSONRPCError) -> Staged { .now(failure(status, error)) }

    private func initialize(_ body: JSONRPCBody, id: JSONRPCID, user: String) async -> HTTPResponse {
        guard case .single(let message) = body else { return Self.failure(.badRequest, .invalidRequest("no batch")) }
        let live = LiveSession(
            MCPSession(id: Self.newSessionID(), user: user, transport: "streamable-http"), saved: false)
        let action = live.receive(message, server: configuration.server)
        guard case .reply(let answer) = action, case .result = answer else {
            if case .reply(let answer) = action { return Self.json(answer) }
            return Self.failure(.badRequest, .invalidRequest("initialize failed", id: id))
        }
        do {
            // Saved before the client learns the id, so any host can carry the session on.
            try await save(live)
        } catch {
            return Self.failure(
                .serviceUnavailable,
                JSONRPCError(
                    code: JSONRPCError.internalErrorCode, message: "the session could not be saved; try again", id: id))
        }
        register(live)
        return Self.json(answer, headers: ["Mcp-Session-Id": live.id])
    }

    /// 400 for an `MCP-Protocol-Version` we do not speak (MCP spec 2025-06-18, basic/transports
    /// "Protocol Version Header"); absent means 2025-03-26 or the session's own.
    func checkVersionHeader(_ request: HTTPRequest) -> HTTPResponse? {
        guard let value = request.headers["MCP-Protocol-Version"] else { return nil }
        let version = MCPProtocolVersion(rawValue: value.trimmingCharacters(in: " \t"))
        guard version.isSupported else {
            let supported = MCPProtocolVersion.supported.map(\.rawValue).joined(separator: ", ")
            return Self.failure(
                .badRequest, .invalidRequest("unsupported MCP-Protocol-Version \(value); supported: \(supported)"))
        }
        return nil
    }

    private func wantsStream(_ params: JSONValue?) -> Bool {
        if params?["_meta"]?["progressToken"] != nil { return true }
        guard let name = params?["name"]?.stringValue, let tool = configuration.tools.tool(named: name) else {
            return false
        }
        return tool.streams(ToolArguments(params?["arguments"]?.objectValue ?? []))
    }

    /// Answers a request as an SSE stream: related messages first, then the response, then the
    /// stream ends. A dropped connection does not cancel the call; the client resumes by GET
    /// with `Last-Event-ID`.
    private func stream(_ message: JSONRPCMessage, id: JSONRPCID, live: LiveSession) -> HTTPResponse {
        let channel = live.addChannel(prefix: "p", replayCapacity: configuration.replayCapacity)
        if live.session.version.primesStreams {
            channel.publish(event: nil, data: "", retry: configuration.retryMilliseconds)
        }
        let action = live.receive(message, server: configuration.server)
        Task {
            if let answer = await perform(action, live: live, channel: channel) { channel.publish(answer) }
            channel.close()
        }
        let heartbeat = configuration.heartbeatInterval
        return HTTPResponse(
            status: .ok, headers: Self.eventStreamHeaders(),
            body: .stream { stream in await channel.pump(to: stream, after: 0, heartbeat: heartbeat) })
    }

    private func batch(_ items: [Result<JSONRPCMessage, JSONRPCError>], live: LiveSession) async -> HTTPResponse {
        switch await answerBatch(items, live: live, channel: nil) {
        case .failure(let refusal): return Self.failure(.badRequest, refusal)
        case .success(let answers) where answers.isEmpty: return HTTPResponse(status: .accepted)
        case .success(let answers):
            return HTTPResponse(
                status: .ok, headers: ["Content-Type": "application/json"], bytes: JSONValue.array(answers).jsonBytes)
        }
    }

    func streamableGet(_ request: HTTPRequest) async -> HTTPResponse {
        guard Self.accepts(request, "text/event-stream") else {
            return Self.failure(HTTPStatus(406), .invalidRequest("Accept must list text/event-stream"))
        }
        guard let sessionID = request.headers["Mcp-Session-Id"] else {
            return Self.failure(.badRequest, .invalidRequest("the Mcp-Session-Id header is required"))
        }
        if let refusal = checkVersionHeader(request) { return refusal }
        guard let live = await lookup(sessionID, user: configuration.user(request)) else {
            return Self.failure(.notFound, .invalidRequest("session not found; send initialize again"))
        }
        let channel: SSEChannel
        let after: Int
        if let lastEventID = request.headers["Last-Event-ID"] {
            guard let (key, sequence) = SSEChannel.parseEventID(lastEventID), let found = live.channel(key) else {
                return Self.failure(
                    .badRequest, .invalidRequest("Last-Event-ID \(lastEventID) names no stream of this session"))
            }
            channel = found
            after = sequence
        } else {
            channel = live.addChannel(prefix: "g", replayCapacity: configuration.replayCapacity)
            // One GET stream at a time: each message goes on exactly one stream (MCP spec
            // 2025-11-25, basic/transports "Multiple Connections").
            guard channel.attachedConnections == 0 else {
                return Self.failure(HTTPStatus(409), .invalidRequest("a GET stream is already open for this session"))
            }
            after = channel.lastSequence
        }
        let start = min(after, channel.lastSequence)
        let heartbeat = configuration.heartbeatInterval
        return HTTPResponse(
            status: .ok, headers: Self.eventStreamHeaders(),
            body: .stream { stream in
                await channel.pump(to: stream, after: start, heartbeat: heartbeat, watchClient: true)
            })
    }

    func streamableDelete(_ request: HTTPRequest) async -> HTTPResponse {
        guard let sessionID = request.headers["Mcp-Session-Id"] else {
            return Self.failure(.badRequest, .invalidRequest("the Mcp-Session-Id header is required"))
        }
        if let refusal = checkVersionHeader(request) { return refusal }
        guard let live = await lookup(sessionID, user: configuration.user(request)) else {
            return Self.failure(.notFound, .invalidRequest("session not found"))
        }
        await terminate(live)
        return HTTPResponse(status: .ok)
    }

    /// Whether the `Accept` header admits `type` (`*/*` and `type/*` count); `type` is lowercase.
    /// Compares bytes in place: this runs twice for every POST.
    static func accepts(_ request: HTTPRequest, _ type: String) -> Bool {
        let wanted = Array(type.utf8)
        let slash = wanted.firstIndex(of: UInt8(ascii: "/")) ?? wanted.count
        for value in request.headers.values("Accept") {
            for part in value.utf8.split(separator: UInt8(ascii: ",")) {
                var media = part.prefix { $0 != UInt8(ascii: ";") }
                while let first = media.first, first == 0x20 || first == 0x09 { media = media.dropFirst() }
                while let last = media.last, last == 0x20 || last == 0x09 { media = media.dropLast() }
                if asciiCaseInsensitiveEqual(media, wanted[...]) || media.elementsEqual("*/*".utf8) { return true }
                if media.count == slash + 2, asciiCaseInsensitiveEqual(media.prefix(slash + 1), wanted[...slash]),
                    media.last == UInt8(ascii: "*")
                {
                    return true
                }
            }
        }
        return false
    }

    private static func asciiCaseInsensitiveEqual<A: Collection<UInt8>, B: Collection<UInt8>>(_ a: A, _ b: B) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).allSatisfy { x, y in
            let lx = x >= 0x41 && x <= 0x5A ? x | 0x20 : x
            let ly = y >= 0x41 && y <= 0x5A ? y | 0x20 : y
            return lx == ly
        }
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        guard let first = unicodeScalars.first, let last = unicodeScalars.last,
            set.unicodeScalars.contains(first) || set.unicodeScalars.contains(last)
        else { return self }
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}
