import EdgeCore
import EdgeHTTP
import EdgeRuntime
import MCP

/// The per-user MCP object (class `MyMCP`, binding `MCP_OBJECT`): one `MCPEndpoint` for every
/// session of its user, with session records in the object's durable storage.
///
/// **Why long calls leave the mailbox.** The host runs an object's events one at a time. If
/// `handle` awaited a whole `tools/call`, a `notifications/cancelled` POST or an elicitation
/// answer for that very call (separate requests to the same object) would queue behind it until
/// the call timed out. So a `tools/call` answered as JSON is checked in the mailbox (a `ping`
/// with the same headers proves the session, headers and protocol version the way the endpoint
/// itself judges them) and then answered by a `.stream` body, which the host runs outside the
/// mailbox; the router relays it as chunked HTTP, which clients read like any JSON answer
/// (RFC 9112 §7.1). Everything else (initialize, notifications, GET and SSE streams, which the
/// endpoint already answers at once) runs in the mailbox, so their order is the arrival order.
/// `MCPEndpoint` is safe to call concurrently (its sessions sit behind a `Mutex`), and the
/// stream body touches only the endpoint and the request, both `Sendable`.
public final class MCPObject: DurableObject {
    /// The class name wrangler.toml binds (`class_name = "MyMCP"`).
    public static let className = "MyMCP"
    /// The storage key prefix of session records.
    public static let sessionPrefix = "mcp/session/"

    let settings: MCPObjectSettings
    var endpoint: MCPEndpoint?

    /// An object that will serve with `settings`; the endpoint is built in `initialize`.
    public init(settings: MCPObjectSettings) { self.settings = settings }

    /// A registry factory for this class.
    public static func factory(_ settings: MCPObjectSettings) -> ObjectRegistry.Factory {
        { MCPObject(settings: settings) }
    }

    /// Builds the endpoint over this object's storage, serving the user the router's props name
    /// (`MCPObjectIdentity`) with the tools `settings.tools` gives that user.
    public func initialize(context: ObjectContext) async throws {
        let identity = MCPObjectIdentity(props: context.props, objectID: context.address.id)
        let user = identity.userId
        let server = settings.server
        endpoint = MCPEndpoint(
            configuration: .init(
                server: server, tools: try ToolCatalog(await settings.tools(identity, server)),
                store: ObjectSessionStore(storage: context.storage), allowedHosts: settings.allowedHosts,
                allowedOrigins: settings.allowedOrigins, user: { _ in user }, keyPrefix: Self.sessionPrefix,
                logger: settings.logger))
    }

    /// Answers one request, moving a JSON `tools/call` out of the mailbox (see the type's doc).
    public func handle(_ request: HTTPRequest) async -> HTTPResponse {
        guard let endpoint else {
            return .json(
                #"{"error":"not_initialized","message":"the MCP object was not initialized; retry the request"}"#,
                status: .serviceUnavailable)
        }
        guard let call = Self.jsonToolCall(request, tools: endpoint.configuration.tools) else {
            return await endpoint.handle(request)
        }
        let check = await endpoint.handle(Self.ping(like: request, id: call))
        guard check.status == .ok else { return check }
        return HTTPResponse(
            status: .ok, headers: ["Content-Type": "application/json", "Cache-Control": "no-cache"],
            body: .stream { stream in
                let response = await endpoint.handle(request)
                switch response.body {
                case .bytes(let bytes): await stream.write(bytes)
                case .stream(let body): await body(stream)
                }
            })
    }

    /// The id of a single `tools/call` POST to `/mcp` that the endpoint answers with JSON (no
    /// progress token, a tool that does not stream), or nil for every other request.
    static func jsonToolCall(_ request: HTTPRequest, tools: ToolCatalog) -> JSONRPCID? {
        guard request.method == .post, request.path == "/mcp", request.headers["Mcp-Session-Id"] != nil,
            case .single(.request(let id, "tools/call", let params))? = try? JSONRPCMessage.decodeBody(request.body)
        else { return nil }
        if params?["_meta"]?["progressToken"] != nil { return nil }
        if let name = params?["name"]?.stringValue, let tool = tools.tool(named: name),
            tool.streams(ToolArguments(params?["arguments"]?.objectValue ?? []))
        {
            return nil
        }
        return id
    }

    /// A `ping` with the headers of `request`: the endpoint answers it 200 exactly when it would
    /// accept the real request's session, media types and protocol version.
    static func ping(like request: HTTPRequest, id: JSONRPCID) -> HTTPRequest {
        var ping = request
        ping.body = JSONRPCMessage.request(id: id, method: "ping", params: nil).bytes
        return ping
    }
}
