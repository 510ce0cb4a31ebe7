import EdgeCore

/// The arguments object of a tool: its named parameters, in declaration order.
///
/// Produces `inputSchema`/`outputSchema` (MCP spec 2025-11-25, server/tools; a tool without
/// parameters gets `{"type":"object","additionalProperties":false}`) and validates arguments
/// against the same declaration (see `ToolSchema+Validation.swift`).
public struct ToolSchema: Sendable {
    /// The members, in the order they are declared and listed.
    public var parameters: [ToolParameter]
    /// Whether members beyond the declared ones are allowed (free-form maps such as the
    /// `extra` facts of `status`); tool inputs keep this false so typos are caught.
    public var allowsOtherMembers: Bool

    /// A schema with these members and, unless `allowsOtherMembers`, no others.
    public init(_ parameters: [ToolParameter] = [], allowsOtherMembers: Bool = false) {
        self.parameters = parameters
        self.allowsOtherMembers = allowsOtherMembers
    }

    /// The JSON Schema (2020-12 keywords) of the object.
    public var jsonSchema: JSONValue {
        var members: [(String, JSONValue)] = [("type", "object")]
        if !parameters.isEmpty {
            members.append(
                ("properties", .object(parameters.map { ($0.name, $0.schema.jsonSchema(default: $0.defaultValue)) })))
            let required = parameters.filter(\.isRequired).map { JSONValue.string($0.name) }
            if !required.isEmpty { members.append(("required", .array(required))) }
        }
        members.append(("additionalProperties", .bool(allowsOtherMembers)))
        return .object(members)
    }
}

extension ValueSchema {
    /// The JSON Schema of this value, with `default` when the parameter has one; with other
    /// accepted forms, `anyOf` its own schema and theirs, the description and default outside.
    public func jsonSchema(default value: JSONValue? = nil) -> JSONValue {
        guard forms.isEmpty else {
            var own = self
            own.forms = []
            own.description = nil
            var members: [(String, JSONValue)] = []
            if let description { members.append(("description", .string(description))) }
            members.append(("anyOf", .array([own.jsonSchema()] + forms.map { $0.schema(own) })))
            if let value { members.append(("default", value)) }
            return .object(members)
        }
        if kind == .object, let properties {
            guard case .object(var members) = properties.jsonSchema else { return properties.jsonSchema }
            if let description { members.insert(("description", .string(description)), at: 1) }
            return .object(members)
        }
        var members: [(String, JSONValue)] = [("type", .string(kind.rawValue))]
        if let description { members.append(("description", .string(description))) }
        if let enumValues { members.append(("enum", .array(enumValues.map(JSONValue.string)))) }
        if let pattern { members.append(("pattern", .string(pattern))) }
        if let minLength { members.append(("minLength", .int(minLength))) }
        if let maxLength { members.append(("maxLength", .int(maxLength))) }
        if let format { members.append(("format", .string(format))) }
        if let minimum { members.append(("minimum", numberJSON(minimum))) }
        if let maximum { members.append(("maximum", numberJSON(maximum))) }
        if let itemSchema { members.append(("items", itemSchema.jsonSchema())) }
        if let minItems { members.append(("minItems", .int(minItems))) }
        if let maxItems { members.append(("maxItems", .int(maxItems))) }
        if let value { members.append(("default", value)) }
        return .object(members)
    }

    private func numberJSON(_ value: Double) -> JSONValue {
        if kind == .integer, let exact = Int(exactly: value) { return .int(exact) }
        return .double(value)
    }
}
