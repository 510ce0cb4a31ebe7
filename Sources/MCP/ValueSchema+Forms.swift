import EdgeCore

/// Another JSON form a parameter accepts beside its schema's own, turned into the schema's form
/// before validation: a comma-separated string for an array, a numeric string for a number,
/// `"true"` for a boolean, another name of an enum value, a timestamp in another notation.
///
/// Tools declare forms where callers (models, saved prompts, the original server's users) send
/// them, so a call the original server took is taken here too. Each form says in JSON Schema
/// what it admits, and the parameter is advertised as `anyOf` its own schema and its forms
/// (JSON Schema 2020-12 §10.2.1.2), so what a client is shown is what is accepted.
public struct AcceptedForm: Sendable {
    /// The JSON Schema of this form, given the parameter's own schema.
    let schema: @Sendable (ValueSchema) -> JSONValue
    /// The form in words, after "or" in a refusal: "a comma-separated string".
    let words: String
    /// `value` in the parameter's own form, or nil when `value` is not of this form.
    let convert: @Sendable (JSONValue, ValueSchema) -> JSONValue?

    /// A form described by `schema` and `words`, turned into the parameter's form by `convert`.
    public init(
        words: String, schema: @escaping @Sendable (ValueSchema) -> JSONValue,
        convert: @escaping @Sendable (JSONValue, ValueSchema) -> JSONValue?
    ) {
        self.words = words
        self.schema = schema
        self.convert = convert
    }
}

extension AcceptedForm {
    /// For an array of strings: `"AAPL, MSFT"` as `["AAPL", "MSFT"]`, split at commas, each part
    /// trimmed, empty parts dropped (Schwab's own list form in a query string).
    public static let commaSeparated = AcceptedForm(
        words: "a comma-separated string",
        schema: { own in
            // Parts are separated by commas (spaces and empty parts aside); at least one is there.
            var pattern = #"[^\s,]"#
            if let choices = own.itemSchema?.enumValues {
                let choice = "(" + choices.map(regexLiteral).joined(separator: "|") + ")"
                pattern = #"^[\s,]*"# + choice + #"(\s*,[\s,]*"# + choice + #")*[\s,]*$"#
            }
            var members: [(String, JSONValue)] = [("type", "string"), ("pattern", .string(pattern))]
            members.append(("description", "The same items, separated by commas."))
            return .object(members)
        },
        convert: { value, _ in
            guard case .string(let text) = value else { return nil }
            let parts = text.split(separator: ",").map { trimmed($0) }.filter { !$0.isEmpty }
            return .array(parts.map(JSONValue.string))
        })

    /// For an integer or a number: its decimal text, `"10"` or `"2.5"`.
    public static let numericString = AcceptedForm(
        words: "its decimal text",
        schema: { own in
            let pattern = own.kind == .integer ? #"^\s*[-+]?[0-9]+\s*$"# : #"^\s*[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)\s*$"#
            return .object([("type", "string"), ("pattern", .string(pattern))])
        },
        convert: { value, own in
            guard case .string(let text) = value else { return nil }
            var digits = trimmed(Substring(text))
            if digits.hasPrefix("+") { digits.removeFirst() }
            if let whole = Int(digits) { return .int(whole) }
            // Plain decimals only, as the pattern says: no exponent, no "nan" or "inf".
            let body = digits.hasPrefix("-") ? digits.dropFirst() : Substring(digits)
            guard own.kind == .number, body.contains(where: \.isASCIIDigit),
                body.allSatisfy({ $0.isASCIIDigit || $0 == "." }), body.filter({ $0 == "." }).count == 1,
                let real = Double(digits)
            else { return nil }
            return .double(real)
        })

    /// For a boolean: `"true"` or `"false"`, in any letter case.
    public static let booleanString = AcceptedForm(
        words: "\"true\" or \"false\"",
        schema: { _ in .object([("type", "string"), ("enum", ["true", "false"])]) },
        convert: { value, _ in
            guard case .string(let text) = value else { return nil }
            switch trimmed(Substring(text)).lowercased() {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: return nil
            }
        })

    /// For a string enum: other names of its values, `"up"` for `"PERCENT_CHANGE_UP"` (the
    /// names another server used for the same choices), any letter case.
    public static func aliases(_ names: [(String, String)], description: String) -> AcceptedForm {
        AcceptedForm(
            words: "one of " + names.map { "\"\($0.0)\"" }.joined(separator: ", "),
            schema: { _ in
                .object([
                    ("type", "string"), ("enum", .array(names.map { .string($0.0) })),
                    ("description", .string(description)),
                ])
            },
            convert: { value, _ in
                guard case .string(let text) = value else { return nil }
                let wanted = trimmed(Substring(text)).lowercased()
                return names.first { $0.0.lowercased() == wanted }.map { .string($0.1) }
            })
    }

    /// `text` without leading and trailing spaces, tabs and line breaks.
    static func trimmed(_ text: Substring) -> String {
        var part = text[...]
        while let first = part.first, first.isWhitespace { part = part.dropFirst() }
        while let last = part.last, last.isWhitespace { part = part.dropLast() }
        return String(part)
    }

    /// `text` with the regular-expression metacharacters escaped (`$SPX` as `\$SPX`).
    static func regexLiteral(_ text: String) -> String {
        var out = ""
        for character in text {
            if "\\^$.|?*+()[]{}".contains(character) { out.append("\\") }
            out.append(character)
        }
        return out
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

extension ValueSchema {
    /// This schema, also accepting each of `forms` (tried in order when a value does not pass as
    /// it is).
    public func accepting(_ forms: AcceptedForm...) -> ValueSchema {
        var copy = self
        copy.forms += forms
        return copy
    }
}

extension ToolParameter {
    /// This parameter, also accepting each of `forms` (see `ValueSchema.accepting`).
    public func accepting(_ forms: AcceptedForm...) -> ToolParameter {
        var copy = self
        copy.schema.forms += forms
        return copy
    }
}
