import EdgeCore

/// The schema of one JSON value: its type and constraints, written once and used both to
/// produce the JSON Schema a client sees and to validate what a client sends.
///
/// The keywords are the JSON Schema 2020-12 validation vocabulary (type, enum, pattern,
/// minLength/maxLength, minimum/maximum, items/minItems/maxItems, properties/required), the
/// default dialect from MCP spec 2025-11-25 (server/tools "inputSchema").
public struct ValueSchema: Sendable {
    /// The JSON type.
    public enum Kind: String, Sendable {
        /// `"string"`.
        case string
        /// `"integer"`.
        case integer
        /// `"number"`.
        case number
        /// `"boolean"`.
        case boolean
        /// `"array"`.
        case array
        /// `"object"`.
        case object
    }

    /// The JSON type of the value.
    public var kind: Kind
    /// What the value means, shown to the model.
    public var description: String?
    /// The allowed strings, when only some are.
    public var enumValues: [String]?
    /// A regular expression the string must contain a match of (JSON Schema is unanchored).
    public var pattern: String?
    /// Fewest characters of a string.
    public var minLength: Int?
    /// Most characters of a string.
    public var maxLength: Int?
    /// A format hint such as `date` or `email` (annotation only, not checked).
    public var format: String?
    /// The smallest number allowed.
    public var minimum: Double?
    /// The largest number allowed.
    public var maximum: Double?
    /// Fewest elements of an array.
    public var minItems: Int?
    /// Most elements of an array.
    public var maxItems: Int?
    /// The element schema of an array (one element at most; an array keeps the struct finite).
    var items: [ValueSchema] = []
    /// The members of an object.
    public var properties: ToolSchema?
    /// Other forms accepted and turned into this one before validation (see `AcceptedForm`).
    public var forms: [AcceptedForm] = []

    init(kind: Kind, description: String?) {
        self.kind = kind
        self.description = description
    }

    /// The element schema of an array.
    public var itemSchema: ValueSchema? { items.first }

    /// A string, optionally one of `enum`, matching `pattern`, of `minLength...maxLength` characters.
    public static func string(
        description: String? = nil, enum values: [String]? = nil, pattern: String? = nil,
        minLength: Int? = nil, maxLength: Int? = nil, format: String? = nil
    ) -> ValueSchema {
        var s = ValueSchema(kind: .string, description: description)
        s.enumValues = values
        s.pattern = pattern
        s.minLength = minLength
        s.maxLength = maxLength
        s.format = format
        return s
    }

    /// An integer within `minimum...maximum` when given.
    public static func integer(description: String? = nil, minimum: Int? = nil, maximum: Int? = nil) -> ValueSchema {
        var s = ValueSchema(kind: .integer, description: description)
        s.minimum = minimum.map(Double.init)
        s.maximum = maximum.map(Double.init)
        return s
    }

    /// Any number within `minimum...maximum` when given.
    public static func number(
        description: String? = nil, minimum: Double? = nil, maximum: Double? = nil
    )
        -> ValueSchema
    {
        var s = ValueSchema(kind: .number, description: description)
        s.minimum = minimum
        s.maximum = maximum
        return s
    }

    /// `true` or `false`.
    public static func boolean(description: String? = nil) -> ValueSchema {
        ValueSchema(kind: .boolean, description: description)
    }

    /// An array of `element` values, `minItems...maxItems` long when given.
    public static func array(
        of element: ValueSchema, description: String? = nil, minItems: Int? = nil, maxItems: Int? = nil
    ) -> ValueSchema {
        var s = ValueSchema(kind: .array, description: description)
        s.items = [element]
        s.minItems = minItems
        s.maxItems = maxItems
        return s
    }

    /// An object with these members (and others only when `allowsOtherMembers`).
    public static func object(
        _ parameters: [ToolParameter], description: String? = nil, allowsOtherMembers: Bool = false
    ) -> ValueSchema {
        var s = ValueSchema(kind: .object, description: description)
        s.properties = ToolSchema(parameters, allowsOtherMembers: allowsOtherMembers)
        return s
    }
}

/// One named member of a tool's arguments: its schema, whether it is required, its default.
public struct ToolParameter: Sendable {
    /// The member name.
    public var name: String
    /// Its type and constraints.
    public var schema: ValueSchema
    /// Whether the caller must send it; a parameter with a default is never required.
    public var isRequired: Bool
    /// The value used when the caller leaves it out.
    public var defaultValue: JSONValue?

    /// A parameter from a schema; `default` makes it optional.
    public init(_ name: String, _ schema: ValueSchema, required: Bool = true, default value: JSONValue? = nil) {
        self.name = name
        self.schema = schema
        self.isRequired = required && value == nil
        self.defaultValue = value
    }

    /// A string parameter (see `ValueSchema.string`).
    public static func string(
        _ name: String, description: String? = nil, required: Bool = true, default value: String? = nil,
        enum values: [String]? = nil, pattern: String? = nil, minLength: Int? = nil, maxLength: Int? = nil,
        format: String? = nil
    ) -> ToolParameter {
        ToolParameter(
            name,
            .string(
                description: description, enum: values, pattern: pattern, minLength: minLength,
                maxLength: maxLength, format: format),
            required: required, default: value.map(JSONValue.string))
    }

    /// An integer parameter (see `ValueSchema.integer`).
    public static func integer(
        _ name: String, description: String? = nil, required: Bool = true, default value: Int? = nil,
        minimum: Int? = nil, maximum: Int? = nil
    ) -> ToolParameter {
        ToolParameter(
            name, .integer(description: description, minimum: minimum, maximum: maximum), required: required,
            default: value.map(JSONValue.int))
    }

    /// A number parameter (see `ValueSchema.number`).
    public static func number(
        _ name: String, description: String? = nil, required: Bool = true, default value: Double? = nil,
        minimum: Double? = nil, maximum: Double? = nil
    ) -> ToolParameter {
        ToolParameter(
            name, .number(description: description, minimum: minimum, maximum: maximum), required: required,
            default: value.map(JSONValue.double))
    }

    /// A boolean parameter.
    public static func boolean(
        _ name: String, description: String? = nil, required: Bool = true, default value: Bool? = nil
    ) -> ToolParameter {
        ToolParameter(name, .boolean(description: description), required: required, default: value.map(JSONValue.bool))
    }

    /// An array parameter (see `ValueSchema.array`).
    public static func array(
        _ name: String, of element: ValueSchema, description: String? = nil, required: Bool = true,
        minItems: Int? = nil, maxItems: Int? = nil
    ) -> ToolParameter {
        ToolParameter(
            name, .array(of: element, description: description, minItems: minItems, maxItems: maxItems),
            required: required)
    }

    /// An object parameter with its own members.
    public static func object(
        _ name: String, _ members: [ToolParameter], description: String? = nil, required: Bool = true,
        allowsOtherMembers: Bool = false
    ) -> ToolParameter {
        ToolParameter(
            name, .object(members, description: description, allowsOtherMembers: allowsOtherMembers),
            required: required)
    }
}
