import EdgeCore
import EdgeCrypto

/// Why a set of tools was refused at start-up.
public struct ToolCatalogError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `invalid_tool_name` or `duplicate_tool_name`.
    public var code: String
    /// Which tool and what to change.
    public var message: String
    /// The message.
    public var description: String { message }
}

/// The tools a server offers, in a fixed order, listed page by page with opaque cursors.
///
/// MCP spec 2025-11-25 (server/utilities/pagination): the cursor is opaque to the client, and
/// an invalid one is answered with -32602.
public struct ToolCatalog: Sendable {
    /// The tools in listing order.
    public let tools: [ToolDeclaration]
    /// How many tools one `tools/list` page holds.
    public let pageSize: Int
    private let index: [String: Int]

    /// A catalog; fails on a name outside the guidance or a name used twice.
    public init(_ tools: [ToolDeclaration], pageSize: Int = 50) throws(ToolCatalogError) {
        var index: [String: Int] = [:]
        for (position, tool) in tools.enumerated() {
            guard ToolDeclaration.isValidName(tool.name) else {
                throw ToolCatalogError(
                    code: "invalid_tool_name",
                    message: "tool name \"\(tool.name)\": expected 1 to 128 of A-Z a-z 0-9 _ - .")
            }
            guard index[tool.name] == nil else {
                throw ToolCatalogError(code: "duplicate_tool_name", message: "tool name \"\(tool.name)\" is used twice")
            }
            index[tool.name] = position
        }
        self.tools = tools
        self.pageSize = max(1, pageSize)
        self.index = index
    }

    /// The tool named `name`.
    public func tool(named name: String) -> ToolDeclaration? { index[name].map { tools[$0] } }

    /// The `tools/list` result for `cursor` (nil for the first page), with `nextCursor` when
    /// more tools follow.
    public func list(cursor: String?, version: MCPProtocolVersion) throws(JSONRPCError) -> JSONValue {
        var start = 0
        if let cursor {
            guard let decoded = Base64URL.decode(cursor), let text = String(validating: decoded, as: UTF8.self),
                text.hasPrefix("tools:"), let offset = Int(text.dropFirst(6)), offset >= 0, offset < tools.count
            else {
                throw JSONRPCError(code: JSONRPCError.invalidParamsCode, message: "Invalid params: unknown cursor")
            }
            start = offset
        }
        let end = min(tools.count, start + pageSize)
        var members: [(String, JSONValue)] = [("tools", .array(tools[start..<end].map { $0.listing(for: version) }))]
        if end < tools.count {
            members.append(("nextCursor", .string(Base64URL.encode(Array("tools:\(end)".utf8)))))
        }
        return .object(members)
    }
}
