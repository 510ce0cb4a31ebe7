import EdgeHTTP

/// A query string or form body (decoded by EdgeHTTP's `QueryParameters`) with typed getters
/// that refuse a bad value with a 400 naming the parameter, as Schwab's APIs do.
struct SandboxQuery: Sendable {
    private let parameters: QueryParameters

    /// Parses `text` leniently: an escape that does not decode is kept as written.
    init<S: StringProtocol>(_ text: S) {
        parameters = QueryParameters(parsing: text)
    }

    /// The first value of `name`, or nil.
    subscript(name: String) -> String? { parameters.first(name) }

    /// The value of `name` as an integer: nil when absent, 400 when present and not a number.
    func int(_ name: String) throws(SandboxError) -> Int? {
        guard let text = self[name] else { return nil }
        guard let value = Int(text) else {
            throw SandboxError.badRequest("\(name) must be a whole number, received '\(text)'", parameter: name)
        }
        return value
    }

    /// The value of `name` as a boolean (`true`/`false`): nil when absent, 400 otherwise.
    func bool(_ name: String) throws(SandboxError) -> Bool? {
        guard let text = self[name] else { return nil }
        switch text.lowercased() {
        case "true": return true
        case "false": return false
        default: throw SandboxError.badRequest("\(name) must be true or false, received '\(text)'", parameter: name)
        }
    }

    /// The value of `name` as a number: nil when absent, 400 otherwise.
    func double(_ name: String) throws(SandboxError) -> Double? {
        guard let text = self[name] else { return nil }
        guard let value = Double(text), value.isFinite else {
            throw SandboxError.badRequest("\(name) must be a number, received '\(text)'", parameter: name)
        }
        return value
    }

    /// The value of `name` checked against `allowed`; 400 names the allowed values.
    func oneOf(_ name: String, _ allowed: [String]) throws(SandboxError) -> String? {
        guard let text = self[name] else { return nil }
        guard allowed.contains(text) else {
            throw SandboxError.badRequest(
                "\(name) '\(text)' is not one of \(allowed.joined(separator: ", "))", parameter: name)
        }
        return text
    }

    /// The value of a required `name`; 400 when it is missing or empty.
    func required(_ name: String) throws(SandboxError) -> String {
        guard let text = self[name], !text.isEmpty else {
            throw SandboxError.badRequest("\(name) is required", parameter: name)
        }
        return text
    }
}
