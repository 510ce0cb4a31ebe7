/// One thing wrong with the configuration, in the seed's form:
/// `LOG_LEVEL: invalid value, expected one of trace|debug|info|warn|error|fatal, received 'DEBUG'`.
public struct ConfigProblem: Sendable, Equatable, CustomStringConvertible {
    /// Where the value came from: a key path (`runtime.port`, `LOG_LEVEL`), a flag, or a file.
    public let key: String
    /// What is wrong and what would be right.
    public let message: String

    /// A problem with `key`.
    public init(key: String, message: String) {
        self.key = key
        self.message = message
    }

    /// `key: invalid value, expected <expected>, received '<received>'`.
    public static func invalid(_ key: String, expected: String, received: String) -> ConfigProblem {
        ConfigProblem(key: key, message: "invalid value, expected \(expected), received '\(received)'")
    }

    /// `key: missing, expected <expected>`.
    public static func missing(_ key: String, expected: String) -> ConfigProblem {
        ConfigProblem(key: key, message: "missing, expected \(expected)")
    }

    /// `key: unknown key, expected one of <known>`.
    public static func unknownKey(_ key: String, known: [String]) -> ConfigProblem {
        ConfigProblem(key: key, message: "unknown key, expected one of \(known.joined(separator: "|"))")
    }

    /// The text people read: what `print` and string interpolation show.
    public var description: String { "\(key): \(message)" }
}

/// Every problem found while loading the configuration, reported together so that one run
/// shows them all (as the seed's Zod validation does).
public struct ConfigErrors: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable code for the error kind.
    public let code = "invalid_configuration"
    /// The problems, in the order they were found.
    public var problems: [ConfigProblem]

    /// Errors made of `problems`.
    public init(_ problems: [ConfigProblem]) {
        self.problems = problems
    }

    /// One line per problem.
    public var messages: [String] { problems.map(\.description) }

    /// The text people read: what `print` and string interpolation show.
    public var description: String {
        "configuration is invalid:\n" + messages.map { "  - " + $0 }.joined(separator: "\n")
    }
}
