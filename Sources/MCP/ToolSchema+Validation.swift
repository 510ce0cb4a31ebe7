import EdgeCore

/// Why a tool's arguments were refused: one line per problem, each naming the field, what was
/// expected and what was received, so that a model can correct its call.
///
/// MCP spec 2025-11-25 (server/tools "Error Handling", SEP-1303): input validation errors are
/// tool results with `isError: true`, not protocol errors.
public struct ToolInputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Each problem as `path: expected …, received …`.
    public var problems: [String]
    /// The problems joined by `; `.
    public var description: String { problems.joined(separator: "; ") }
}

/// Validated arguments with defaults filled in, read by name.
public struct ToolArguments: Sendable, Equatable {
    /// The members, declared parameters first in declaration order.
    public var values: [(String, JSONValue)]

    /// Arguments from members as they are.
    public init(_ values: [(String, JSONValue)] = []) { self.values = values }

    /// Equal when the same members hold the same values in the same order.
    public static func == (lhs: ToolArguments, rhs: ToolArguments) -> Bool {
        JSONValue.object(lhs.values) == JSONValue.object(rhs.values)
    }

    /// The value of `name`, if present.
    public subscript(name: String) -> JSONValue? { values.first(where: { $0.0 == name })?.1 }
    /// The string `name`.
    public func string(_ name: String) -> String? { self[name]?.stringValue }
    /// The integer `name`.
    public func int(_ name: String) -> Int? { self[name]?.intValue }
    /// The number `name`.
    public func double(_ name: String) -> Double? { self[name]?.doubleValue }
    /// The boolean `name`.
    public func bool(_ name: String) -> Bool? { self[name]?.boolValue }
    /// The whole arguments object.
    public var json: JSONValue { .object(values) }
}

extension ToolSchema {
    /// Checks `arguments` (absent or null counts as `{}`) against the declaration and returns
    /// them with defaults applied, or every problem found.
    public func validate(_ arguments: JSONValue?) -> Result<ToolArguments, ToolInputError> {
        var problems: [String] = []
        let members = validateObject(arguments ?? .object([]), path: "", problems: &problems)
        return problems.isEmpty ? .success(ToolArguments(members)) : .failure(ToolInputError(problems: problems))
    }

    func validateObject(_ value: JSONValue, path: String, problems: inout [String]) -> [(String, JSONValue)] {
        let given: [(String, JSONValue)]
        switch value {
        case .object(let members): given = members
        case .null where path.isEmpty: given = []
        default:
            problems.append("\(path.isEmpty ? "arguments" : path): expected an object, received \(Self.show(value))")
            return []
        }
        var out: [(String, JSONValue)] = []
        for parameter in parameters {
            let fieldPath = path.isEmpty ? parameter.name : "\(path).\(parameter.name)"
            if let supplied = given.first(where: { $0.0 == parameter.name })?.1, !supplied.isNull {
                out.append(
                    (parameter.name, parameter.schema.validate(supplied, path: fieldPath, problems: &problems)))
            } else if let defaultValue = parameter.defaultValue {
                out.append((parameter.name, defaultValue))
            } else if parameter.isRequired {
                problems.append("\(fieldPath): required, expected \(parameter.schema.expectation)")
            }
        }
        let known = Set(parameters.map(\.name))
        for (name, value) in given where !known.contains(name) {
            if allowsOtherMembers {
                out.append((name, value))
                continue
            }
            let fieldPath = path.isEmpty ? name : "\(path).\(name)"
            let allowed = parameters.isEmpty ? "no parameters" : parameters.map(\.name).joined(separator: ", ")
            problems.append("\(fieldPath): unexpected parameter; expected one of: \(allowed)")
        }
        return out
    }

    /// A short rendering of a received value for error messages (at most 60 characters).
    static func show(_ value: JSONValue) -> String {
        let text = value.jsonText
        return text.count <= 60 ? text : String(text.prefix(57)) + "..."
    }
}

extension ValueSchema {
    /// What the schema expects, in words: "a string of 1 to 12 characters", followed by each
    /// other accepted form: ", or a comma-separated string".
    public var expectation: String {
        ownExpectation + forms.map { ", or \($0.words)" }.joined()
    }

    private var ownExpectation: String {
        switch kind {
        case .string:
            if let enumValues { return "one of " + enumValues.map { "\"\($0)\"" }.joined(separator: ", ") }
            var text = "a string" + Self.range(minLength, maxLength, unit: "characters")
            if let pattern { text += " matching /\(pattern)/" }
            return text
        case .integer: return "an integer" + Self.bounds(minimum, maximum)
        case .number: return "a number" + Self.bounds(minimum, maximum)
        case .boolean: return "a boolean (true or false)"
        case .array:
            var text = "an array" + Self.range(minItems, maxItems, unit: "items")
            if let itemSchema { text += " of \(itemSchema.expectation)" }
            return text
        case .object:
            let names = properties?.parameters.map(\.name).joined(separator: ", ") ?? ""
            return names.isEmpty ? "an object" : "an object with \(names)"
        }
    }

    private static func range(_ low: Int?, _ high: Int?, unit: String) -> String {
        switch (low, high) {
        case (let l?, let h?): " of \(l) to \(h) \(unit)"
        case (let l?, nil): " of at least \(l) \(unit)"
        case (nil, let h?): " of at most \(h) \(unit)"
        case (nil, nil): ""
        }
    }

    private static func bounds(_ low: Double?, _ high: Double?) -> String {
        func show(_ v: Double) -> String { Int(exactly: v).map(String.init) ?? String(v) }
        switch (low, high) {
        case (let l?, let h?): return " from \(show(l)) to \(show(h))"
        case (let l?, nil): return " of at least \(show(l))"
        case (nil, let h?): return " of at most \(show(h))"
        case (nil, nil): return ""
        }
    }

    /// Validates one value, appending problems; returns the value with nested defaults applied.
    ///
    /// A value that fails as it is but is of another accepted form is validated in the schema's
    /// own form instead; a refusal then still quotes what the caller sent.
    func validate(_ value: JSONValue, path: String, problems: inout [String]) -> JSONValue {
        guard !forms.isEmpty else { return validateOwn(value, shown: value, path: path, problems: &problems) }
        var own: [String] = []
        let result = validateOwn(value, shown: value, path: path, problems: &own)
        if own.isEmpty { return result }
        for form in forms {
            guard let converted = form.convert(value, self) else { continue }
            var theirs: [String] = []
            let result = validateOwn(converted, shown: value, path: path, problems: &theirs)
            if theirs.isEmpty { return result }
            own = theirs
            break
        }
        problems += own
        return value
    }

    private func validateOwn(
        _ value: JSONValue, shown: JSONValue, path: String, problems: inout [String]
    ) -> JSONValue {
        func fail() -> JSONValue {
            problems.append("\(path): expected \(expectation), received \(ToolSchema.show(shown))")
            return value
        }
        switch kind {
        case .string:
            guard case .string(let text) = value else { return fail() }
            if let enumValues, !enumValues.contains(text) { return fail() }
            let length = text.count
            if let minLength, length < minLength { return fail() }
            if let maxLength, length > maxLength { return fail() }
            if let pattern {
                guard let regex = try? Regex(pattern) else {
                    problems.append("\(path): the tool's pattern /\(pattern)/ is not a valid regular expression")
                    return value
                }
                if (try? regex.firstMatch(in: text)) == nil { return fail() }
            }
            return value
        case .integer:
            guard case .int(let number) = value.intValue.map(JSONValue.int) ?? .null else { return fail() }
            if let minimum, Double(number) < minimum { return fail() }
            if let maximum, Double(number) > maximum { return fail() }
            return .int(number)
        case .number:
            guard let number = value.doubleValue else { return fail() }
            if let minimum, number < minimum { return fail() }
            if let maximum, number > maximum { return fail() }
            return value
        case .boolean:
            guard value.boolValue != nil else { return fail() }
            return value
        case .array:
            guard case .array(let elements) = value else { return fail() }
            if let minItems, elements.count < minItems { return fail() }
            if let maxItems, elements.count > maxItems { return fail() }
            guard let itemSchema else { return value }
            return .array(
                elements.enumerated().map { index, element in
                    itemSchema.validate(element, path: "\(path)[\(index)]", problems: &problems)
                })
        case .object:
            guard case .object = value else { return fail() }
            return .object((properties ?? ToolSchema()).validateObject(value, path: path, problems: &problems))
        }
    }
}
