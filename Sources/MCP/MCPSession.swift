import EdgeCore

/// The protocol state of one MCP session, free of I/O: lifecycle, negotiated revision, client
/// capabilities, log level, calls in flight and server requests awaiting answers.
///
/// Feed it each client message with `receive(_:server:)`; it answers what it can itself
/// (initialize, ping, logging/setLevel, lifecycle errors) and returns an action for the rest.
/// MCP spec 2025-11-25, basic/lifecycle and basic/utilities/cancellation.
public struct MCPSession: Sendable {
    /// Where the session is in its lifecycle.
    public enum State: String, Sendable {
        /// Created (legacy GET /sse) but no `initialize` yet.
        case uninitialized
        /// `initialize` answered; waiting for `notifications/initialized`.
        case initializing
        /// In operation.
        case ready
        /// Ended by DELETE or by the transport; every later request is refused.
        case closed
    }

    /// What the endpoint must do with a message.
    public enum Action: Sendable, Equatable {
        /// Send this answer.
        case reply(JSONRPCMessage)
        /// Run a tool (the endpoint finds it, validates the arguments, and calls `finish`).
        case callTool(id: JSONRPCID, name: String, arguments: JSONValue?, progressToken: JSONValue?)
        /// Answer `tools/list` for this cursor.
        case listTools(id: JSONRPCID, cursor: String?)
        /// Cancel the call in flight with this id.
        case cancel(JSONRPCID)
        /// Hand this answer to the server request that awaits it.
        case deliver(JSONRPCID, Result<JSONValue, JSONRPCError>)
        /// Nothing to do (an accepted notification, an unknown response).
        case none
    }

    /// The session id (`Mcp-Session-Id`, or the legacy `sessionId` query parameter).
    public let id: String
    /// The authenticated user the session belongs to (MCP spec 2025-11-25 security guidance).
    public let user: String
    /// `streamable-http` or `sse`.
    public let transport: String
    /// The lifecycle state.
    public internal(set) var state: State
    /// The negotiated revision (2025-03-26 until `initialize` says otherwise, per the
    /// `MCP-Protocol-Version` fallback rule).
    public internal(set) var version: MCPProtocolVersion
    /// The client's `capabilities`.
    public internal(set) var clientCapabilities: JSONValue
    /// The client's `clientInfo`.
    public internal(set) var clientInfo: JSONValue
    /// The lowest level of log notifications sent.
    public internal(set) var logLevel: MCPLogLevel
    /// Bumped whenever a persisted field changes, so the endpoint knows to save the record.
    public private(set) var revision: Int = 0
    /// Requests being worked on.
    public private(set) var inFlight: Set<JSONRPCID> = []
    /// Server-to-client requests awaiting answers, by id, with their method.
    public private(set) var outgoing: [JSONRPCID: String] = [:]
    private var nextOutgoing = 1

    /// A new session.
    public init(id: String, user: String, transport: String) {
        self.id = id
        self.user = user
        self.transport = transport
        state = .uninitialized
        version = .v2025_03_26
        clientCapabilities = .object([])
        clientInfo = .object([])
        logLevel = .info
    }

    /// Handles one message from the client.
    public mutating func receive(_ message: JSONRPCMessage, server: MCPServerInfo) -> Action {
        switch message {
        case .request(let id, let method, let params):
            return request(id: id, method: method, params: params, server: server)
        case .notification(let method, let params):
            switch method {
            case "notifications/initialized":
                if state == .initializing {
                    state = .ready
                    revision += 1
                }
            case "notifications/cancelled":
                if let raw = params?["requestId"], let target = JSONRPCID(json: raw), inFlight.contains(target) {
                    return .cancel(target)
                }
            default: break
            }
            return .none
        case .result(let id, let result):
            guard outgoing.removeValue(forKey: id) != nil else { return .none }
            return .deliver(id, .success(result))
        case .error(let id, let error):
            guard let id, outgoing.removeValue(forKey: id) != nil else { return .none }
            return .deliver(id, .failure(error))
        }
    }

    private mutating func request(
        id: JSONRPCID, method: String, params: JSONValue?, server: MCPServerInfo
    )
        -> Action
    {
        if state == .closed { return .reply(JSONRPCError.invalidRequest("the session has ended", id: id).response) }
        if method == "ping" { return .reply(.result(id: id, result: .object([]))) }
        if method == "initialize" {
            guard state == .uninitialized else {
                return .reply(JSONRPCError.invalidRequest("the session is already initialized", id: id).response)
            }
            guard let params, case .object = params, let requested = params["protocolVersion"]?.stringValue else {
                return .reply(JSONRPCError.invalidParams("initialize needs a protocolVersion string", id: id).response)
            }
            version = MCPProtocolVersion.negotiate(requested: requested)
            clientCapabilities = params["capabilities"] ?? .object([])
            clientInfo = params["clientInfo"] ?? .object([])
            state = .initializing
            revision += 1
            return .reply(.result(id: id, result: server.initializeResult(version: version)))
        }
        guard state != .uninitialized else {
            return .reply(JSONRPCError.invalidRequest("send initialize first", id: id).response)
        }
        switch method {
        case "tools/list":
            return .listTools(id: id, cursor: params?["cursor"]?.stringValue)
        case "tools/call":
            guard let name = params?["name"]?.stringValue else {
                return .reply(JSONRPCError.invalidParams("tools/call needs a name string", id: id).response)
            }
            if let arguments = params?["arguments"], arguments.objectValue == nil, !arguments.isNull {
                return .reply(JSONRPCError.invalidParams("arguments must be an object", id: id).response)
            }
            guard !inFlight.contains(id) else {
                return .reply(JSONRPCError.invalidRequest("request id \(id) is already in flight", id: id).response)
            }
            inFlight.insert(id)
            return .callTool(
                id: id, name: name, arguments: params?["arguments"], progressToken: params?["_meta"]?["progressToken"])
        case "logging/setLevel":
            guard let text = params?["level"]?.stringValue, let level = MCPLogLevel(rawValue: text) else {
                let names = MCPLogLevel.allCases.map(\.rawValue).joined(separator: ", ")
                return .reply(JSONRPCError.invalidParams("level must be one of \(names)", id: id).response)
            }
            logLevel = level
            revision += 1
            return .reply(.result(id: id, result: .object([])))
        default:
            return .reply(JSONRPCError.methodNotFound(method, id: id).response)
        }
    }

    /// Marks a call as done (answered or cancelled).
    public mutating func finish(_ id: JSONRPCID) { inFlight.remove(id) }

    /// Allocates the id of a server-to-client request (`s-1`, `s-2`, …, never clashing with
    /// client ids, which live in the client's own id space).
    public mutating func beginOutgoing(method: String) -> JSONRPCID {
        let id = JSONRPCID.string("s-\(nextOutgoing)")
        nextOutgoing += 1
        outgoing[id] = method
        return id
    }

    /// Forgets a server request whose caller stopped waiting.
    public mutating func abandonOutgoing(_ id: JSONRPCID) { outgoing.removeValue(forKey: id) }

    /// Ends the session.
    public mutating func close() {
        state = .closed
        revision += 1
    }
}
