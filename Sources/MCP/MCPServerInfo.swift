import EdgeCore

/// Who the server is, as told in the `initialize` result (MCP spec 2025-11-25, basic/lifecycle).
public struct MCPServerInfo: Sendable {
    /// The implementation name.
    public var name: String
    /// A display name (sent from 2025-06-18).
    public var title: String?
    /// The implementation version.
    public var version: String
    /// Guidance for the model on how to use the tools.
    public var instructions: String?

    /// Server facts as given.
    public init(name: String, title: String? = nil, version: String, instructions: String? = nil) {
        self.name = name
        self.title = title
        self.version = version
        self.instructions = instructions
    }

    /// The `InitializeResult` for `version`: tools and logging capabilities, `serverInfo`,
    /// `instructions`.
    public func initializeResult(version negotiated: MCPProtocolVersion) -> JSONValue {
        var info: [(String, JSONValue)] = [("name", .string(name))]
        if let title, negotiated.hasStructuredContent { info.append(("title", .string(title))) }
        info.append(("version", .string(version)))
        var members: [(String, JSONValue)] = [
            ("protocolVersion", .string(negotiated.rawValue)),
            ("capabilities", .object([("logging", .object([])), ("tools", .object([("listChanged", false)]))])),
            ("serverInfo", .object(info)),
        ]
        if let instructions { members.append(("instructions", .string(instructions))) }
        return .object(members)
    }
}
