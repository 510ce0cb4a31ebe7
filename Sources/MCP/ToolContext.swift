import EdgeCore

/// The user's answer to an elicitation (MCP spec 2025-06-18, client/elicitation).
public enum ElicitationResult: Sendable, Equatable {
    /// The user answered; the content has been checked against the requested schema.
    case accept(ToolArguments)
    /// The user said no.
    case decline
    /// The user dismissed the question.
    case cancel
    /// No question could be asked (the client lacks the capability, or the call is answered
    /// as plain JSON); the tool should fall back, e.g. to a preview-then-confirm pair of calls.
    case unsupported(String)
    /// The client answered with an error or with content that does not fit the schema.
    case failed(String)
}

/// What a tool handler may do besides returning its result: report progress, log, ask the
/// user, notice cancellation.
///
/// One per call. Messages go on the stream of the call in flight (MCP spec 2025-11-25,
/// basic/transports: related messages SHOULD go on the POST's own SSE stream).
public struct ToolContext: Sendable {
    /// Sends one message towards the client on the call's stream; false when there is none.
    public typealias Send = @Sendable (JSONRPCMessage) async -> Bool
    /// Sends a server-to-client request and awaits its answer; nil when requests are impossible.
    public typealias Request = @Sendable (String, JSONValue) async -> Result<JSONValue, JSONRPCError>

    /// The session's facts, for `status`.
    public let session: MCPSessionInfo
    /// The client's progress token, when it asked for progress.
    public let progressToken: JSONValue?
    let send: Send
    let request: Request?
    let logLevel: MCPLogLevel
    let reconnect: @Sendable () -> Void

    /// A context; the endpoint makes one per call.
    public init(
        session: MCPSessionInfo, progressToken: JSONValue?, logLevel: MCPLogLevel, send: @escaping Send,
        request: Request?, reconnect: @escaping @Sendable () -> Void = {}
    ) {
        self.session = session
        self.progressToken = progressToken
        self.logLevel = logLevel
        self.send = send
        self.request = request
        self.reconnect = reconnect
    }

    /// True once the client cancelled the call (`notifications/cancelled`): stop soon.
    public var isCancelled: Bool { Task.isCancelled }

    /// Sends `notifications/progress` when the client gave a progress token; does nothing
    /// otherwise (MCP spec 2025-11-25, basic/utilities/progress).
    public func progress(_ progress: Double, total: Double? = nil, message: String? = nil) async {
        guard let progressToken else { return }
        var params: [(String, JSONValue)] = [("progressToken", progressToken), ("progress", .double(progress))]
        if let total { params.append(("total", .double(total))) }
        if let message { params.append(("message", .string(message))) }
        _ = await send(.notification(method: "notifications/progress", params: .object(params)))
    }

    /// Sends `notifications/message` when `level` reaches the level the client set
    /// (MCP spec 2025-11-25, server/utilities/logging). Never put secrets in `data`.
    public func log(_ level: MCPLogLevel, _ data: JSONValue, logger: String? = nil) async {
        guard level >= logLevel else { return }
        var params: [(String, JSONValue)] = [("level", .string(level.rawValue))]
        if let logger { params.append(("logger", .string(logger))) }
        params.append(("data", data))
        _ = await send(.notification(method: "notifications/message", params: .object(params)))
    }

    /// Asks the user a question through the client (form mode, MCP spec 2025-06-18 and
    /// 2025-11-25, client/elicitation). The answer is validated against `schema`, a flat
    /// object of primitives.
    public func elicit(message: String, schema: ToolSchema) async -> ElicitationResult {
        guard let request else { return .unsupported("this call cannot carry a question to the client") }
        guard let capability = session.clientCapabilities["elicitation"] else {
            return .unsupported("the client did not declare the elicitation capability")
        }
        // 2025-11-25: `{}` means form only; `{url:{}}` alone means no form questions.
        if capability["url"] != nil && capability["form"] == nil {
            return .unsupported("the client accepts only URL-mode elicitation")
        }
        let params: JSONValue = .object([("message", .string(message)), ("requestedSchema", schema.jsonSchema)])
        switch await request("elicitation/create", params) {
        case .failure(let error): return .failed("the client answered \(error.code): \(error.message)")
        case .success(let result):
            switch result["action"]?.stringValue {
            case "accept":
                switch schema.validate(result["content"]) {
                case .success(let content): return .accept(content)
                case .failure(let problems): return .failed("the answer did not fit the form: \(problems)")
                }
            case "decline": return .decline
            case "cancel": return .cancel
            default: return .failed("the client's answer had no action accept, decline or cancel")
            }
        }
    }

    /// Ends the current HTTP stream early without ending the call, so the client reconnects with
    /// `Last-Event-ID` (SSE polling, MCP spec 2025-11-25, basic/transports "Resumability").
    public func requestReconnect() { reconnect() }
}

/// Facts about the session a call runs in.
public struct MCPSessionInfo: Sendable {
    /// The session id (never a secret: the client holds it, but keep it out of tool output).
    public var id: String
    /// The negotiated revision.
    public var version: MCPProtocolVersion
    /// `clientInfo` from `initialize`.
    public var clientInfo: JSONValue
    /// `capabilities` from `initialize`.
    public var clientCapabilities: JSONValue
    /// Which transport the session uses: `streamable-http` or `sse`.
    public var transport: String
    /// Calls cancelled so far in this process's life of the session.
    public var cancelledCalls: Int
    /// Seconds since the endpoint started.
    public var uptimeSeconds: Double

    /// Facts as given.
    public init(
        id: String, version: MCPProtocolVersion, clientInfo: JSONValue, clientCapabilities: JSONValue,
        transport: String, cancelledCalls: Int, uptimeSeconds: Double
    ) {
        self.id = id
        self.version = version
        self.clientInfo = clientInfo
        self.clientCapabilities = clientCapabilities
        self.transport = transport
        self.cancelledCalls = cancelledCalls
        self.uptimeSeconds = uptimeSeconds
    }
}
