import EdgeCore

/// Hints about a tool's behaviour (MCP spec 2025-03-26 onwards, server/tools "ToolAnnotations").
///
/// Clients treat them as untrusted hints; the spec's defaults are readOnly false, destructive
/// true, idempotent false, openWorld true, so every tool should set them explicitly.
public struct ToolAnnotations: Sendable, Equatable {
    /// The tool changes nothing.
    public var readOnlyHint: Bool?
    /// The tool may destroy or overwrite (meaningful only when not read-only).
    public var destructiveHint: Bool?
    /// Calling again with the same arguments has no further effect.
    public var idempotentHint: Bool?
    /// The tool reaches outside systems (Schwab's API).
    public var openWorldHint: Bool?

    /// Hints as given; nil ones are left out of the listing.
    public init(readOnly: Bool? = nil, destructive: Bool? = nil, idempotent: Bool? = nil, openWorld: Bool? = nil) {
        readOnlyHint = readOnly
        destructiveHint = destructive
        idempotentHint = idempotent
        openWorldHint = openWorld
    }

    /// The annotations object, with `title` when given (2025-06-18 puts it there too).
    public func json(title: String?) -> JSONValue {
        var members: [(String, JSONValue)] = []
        if let title { members.append(("title", .string(title))) }
        if let readOnlyHint { members.append(("readOnlyHint", .bool(readOnlyHint))) }
        if let destructiveHint { members.append(("destructiveHint", .bool(destructiveHint))) }
        if let idempotentHint { members.append(("idempotentHint", .bool(idempotentHint))) }
        if let openWorldHint { members.append(("openWorldHint", .bool(openWorldHint))) }
        return .object(members)
    }
}

/// What a tool call returns: content blocks, optional structured content, and whether it failed.
///
/// MCP spec 2025-06-18 (server/tools "Structured Content"): with an output schema the result
/// carries `structuredContent` and, for older clients, the same JSON as a text block.
public struct ToolResult: Sendable, Equatable {
    /// The content blocks (`{"type":"text","text":…}` and friends).
    public var content: [JSONValue]
    /// The machine-readable result, conforming to the tool's output schema.
    public var structuredContent: JSONValue?
    /// True for failures the model should see and act on (bad input, upstream errors).
    public var isError: Bool

    /// A result from its parts.
    public init(content: [JSONValue], structuredContent: JSONValue? = nil, isError: Bool = false) {
        self.content = content
        self.structuredContent = structuredContent
        self.isError = isError
    }

    /// One text block.
    public static func text(_ text: String) -> ToolResult {
        ToolResult(content: [.object([("type", "text"), ("text", .string(text))])])
    }

    /// Structured content plus the same JSON as text.
    public static func structured(_ value: JSONValue) -> ToolResult {
        ToolResult(content: [.object([("type", "text"), ("text", .string(value.jsonText))])], structuredContent: value)
    }

    /// A failure explained in words, with `isError: true`.
    public static func error(_ message: String) -> ToolResult {
        var result = ToolResult.text(message)
        result.isError = true
        return result
    }

    /// The `CallToolResult` object for a session at `version` (no structured content before 2025-06-18).
    public func json(for version: MCPProtocolVersion) -> JSONValue {
        var members: [(String, JSONValue)] = [("content", .array(content))]
        if let structuredContent, version.hasStructuredContent {
            members.append(("structuredContent", structuredContent))
        }
        if isError { members.append(("isError", true)) }
        return .object(members)
    }
}

/// A tool written once: its name, words for the model, typed parameters, hints, output shape
/// and handler. The listing entry and the input validation both come from this one value.
public struct ToolDeclaration: Sendable {
    /// Runs a call with validated arguments.
    public typealias Handler = @Sendable (ToolArguments, ToolContext) async throws -> ToolResult

    /// The unique name: 1 to 128 of `A-Z a-z 0-9 _ - .` (MCP spec 2025-11-25, server/tools).
    public var name: String
    /// A human-readable name (2025-06-18).
    public var title: String?
    /// What the tool does and when to use it.
    public var description: String
    /// The parameters.
    public var input: ToolSchema
    /// The shape of `structuredContent`, when the result has a known shape.
    public var output: ToolSchema?
    /// Behaviour hints.
    public var annotations: ToolAnnotations
    /// Whether a call with these arguments may send progress, logs or requests before its result,
    /// so the POST is answered as an SSE stream (MCP spec 2025-11-25, basic/transports).
    public var streams: @Sendable (ToolArguments) -> Bool
    /// The code that runs a call.
    public var handler: Handler
    /// Applied to the results the endpoint makes itself for this tool: its refusal of invalid
    /// input, a thrown error, output outside the schema. Those may quote what the caller sent, so
    /// a deployment that filters its handlers' results (the Schwab tools scrub account numbers)
    /// filters these the same way.
    public var refusalFilter: (@Sendable (ToolResult) -> ToolResult)?

    /// A tool; `streams` defaults to never.
    public init(
        name: String, title: String? = nil, description: String, input: ToolSchema = ToolSchema(),
        output: ToolSchema? = nil, annotations: ToolAnnotations = ToolAnnotations(),
        streams: @escaping @Sendable (ToolArguments) -> Bool = { _ in false }, handler: @escaping Handler
    ) {
        self.name = name
        self.title = title
        self.description = description
        self.input = input
        self.output = output
        self.annotations = annotations
        self.streams = streams
        self.handler = handler
    }

    /// The `Tool` object of `tools/list` for a session at `version`: title, annotations and the
    /// output schema only where that revision has them.
    public func listing(for version: MCPProtocolVersion) -> JSONValue {
        var members: [(String, JSONValue)] = [("name", .string(name))]
        if let title, version.hasStructuredContent { members.append(("title", .string(title))) }
        members.append(("description", .string(description)))
        members.append(("inputSchema", input.jsonSchema))
        if let output, version.hasStructuredContent { members.append(("outputSchema", output.jsonSchema)) }
        if version.hasToolAnnotations {
            members.append(("annotations", annotations.json(title: version.hasStructuredContent ? title : nil)))
        }
        return .object(members)
    }

    /// An `isError` result saying `text`, passed through `refusalFilter`.
    public func refusal(_ text: String) -> ToolResult {
        let result = ToolResult.error(text)
        return refusalFilter?(result) ?? result
    }

    /// Whether `name` follows the naming guidance (1 to 128 of `A-Z a-z 0-9 _ - .`).
    public static func isValidName(_ name: String) -> Bool {
        let bytes = name.utf8
        guard (1...128).contains(bytes.count) else { return false }
        return bytes.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F
                || b == 0x2D || b == 0x2E
        }
    }
}
