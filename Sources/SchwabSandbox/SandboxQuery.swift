import EdgeHTTP

/// The decoded `name=value` pairs of a query string or an `application/x-www-form-urlencoded`
/// body (WHATWG URL §5: `+` is a space, `%XX` escapes are decoded exactly once).
public struct SandboxQuery: Sendable {
    private var pairs: [(String, String)] = []

    /// Parses `text`; a malformed escape is kept literally rather than dropping the pair.
    public init<S: StringProtocol>(_ text: S) {
        for part in text.split(separator: "&", omittingEmptySubsequences: true) {
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = PercentEncoding.decode(pieces[0], plusIsSpace: true) ?? String(pieces[0])
            let value =
                pieces.count > 1 ? (PercentEncoding.decode(pieces[1], plusIsSpace: true) ?? String(pieces[1])) : ""
            pairs.append((name, value))
        }
    }

    /// The first value of `name`, or nil.
    public subscript(name: String) -> String? { pairs.first { $0.0 == name }?.1 }

    /// Every name present.
    public var names: [String] { pairs.map(\.0) }

    /// The value of `name` as an integer: nil when absent, 400 when present and not a number.
    public func int(_ name: String) throws(SandboxError) -> Int? {
        guard let text = self[name] else { return nil }
        guard let value = Int(text) else {
            throw SandboxError.badRequest("\(name) must be a whole number, received '\(text)'", parameter: name)
        }
        return value
    }

    /// The value of `name` as a boolean (`true`/`false`): nil when absent, 400 otherwise.
    public func bool(_ name: String) throws(SandboxError) -> Bool? {
        guard let text = self[name] else { return nil }
        switch text.lowercased() {
        case "true": return true
        case "false": return false
        default: throw SandboxError.badRequest("\(name) must be true or false, received '\(text)'", parameter: name)
        }
    }

    /// The value of `name` as a number: nil when absent, 400 otherwise.
    public func double(_ name: String) throws(SandboxError) -> Double? {
        guard let text = self[name] else { return nil }
        guard let value = Double(text), value.isFinite else {
            throw SandboxError.badRequest("\(name) must be a number, received '\(text)'", parameter: name)
        }
        return value
    }

    /// The value of `name` checked against `allowed`; 400 names the allowed values.
    public func oneOf(_ name: String, _ allowed: [String]) throws(SandboxError) -> String? {
        guard let text = self[name] else { return nil }
        guard allowed.contains(text) else {
            throw SandboxError.badRequest(
                "\(name) '\(text)' is not one of \(allowed.joined(separator: ", "))", parameter: name)
        }
        return text
    }

    /// The value of a required `name`; 400 when it is missing or empty.
    public func required(_ name: String) throws(SandboxError) -> String {
        guard let text = self[name], !text.isEmpty else {
            throw SandboxError.badRequest("\(name) is required", parameter: name)
        }
        return text
    }
}
