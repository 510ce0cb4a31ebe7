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
/// the call timed out. So every request is *staged* in the mailbox (`MCPEndpoint.stage`): Host,
/// Origin, media types, session, protocol version and the session's state machine judge it there,
/// in arrival order, in one pass. A JSON `tools/call` that passes comes back as a `.stream` body
/// that runs the tool, which the host runs outside the mailbox; the body is marked
/// `SessionHostServer.wholeBodyHeader`, so the host waits for it and sends the answer with its
/// length, and the client gets a plain JSON response. Everything else (initialize,
/// notifications, GET and SSE streams, which the endpoint already answers at once) is answered
/// in the mailbox. `MCPEndpoint` is safe to call concurrently (its sessions sit behind a
/// `Mutex`), and the body touches only the endpoint and the staged call, both `Sendable`.
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
                logger: settings.logger, executor: context.executor))
    }

    /// Answers one request, moving a JSON `tools/call`'s tool run out of the mailbox (see the
    /// type's doc).
    public func handle(_ request: HTTPRequest) async -> HTTPResponse {
        guard let endpoint else {
            return .json(
                #"{"error":"not_initialized","message":"the MCP object was not initialized; retry the request"}"#,
                status: .serviceUnavailable)
        }
        switch await endpoint.stage(request) {
        case .now(let response):
            return response
        case .later(let answer):
            return HTTPResponse(
                status: .ok,
                headers: [
                    "Content-Type": "application/json", "Cache-Control": "no-cache",
                    SessionHostServer.wholeBodyHeader: "1",
                ],
                body: .stream { stream in
                    let response = await answer()
                    switch response.body {
                    case .bytes(let bytes): await stream.write(bytes)
                    case .stream(let body): await body(stream)
                    }
                })
        }
    }
}
