/// The secrets a process needs, read only from the environment and a `.dev.vars` file next to
/// the configuration (the environment wins), never from `wrangler.toml`.
///
/// Printing a `Secrets` (description, debugDescription, string interpolation) shows names and
/// where each came from, never a value, so one cannot leak through a log line or an error.
public struct Secrets: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// Where a secret was found.
    public enum Source: String, Sendable, Equatable {
        /// The process environment.
        case environment
        /// The `.dev.vars` file.
        case devVars = ".dev.vars"
    }

    /// The Schwab app's client id (OAuth 2.0 client credentials, RFC 6749 §2.3).
    public static let schwabClientID = "SCHWAB_CLIENT_ID"
    /// The Schwab app's client secret.
    public static let schwabClientSecret = "SCHWAB_CLIENT_SECRET"
    /// The callback URL registered with Schwab (`https://.../callback`).
    public static let schwabRedirectURI = "SCHWAB_REDIRECT_URI"
    /// The key that encrypts approval cookies and tokens at rest.
    public static let cookieEncryptionKey = "COOKIE_ENCRYPTION_KEY"
    /// Optional: the Schwab API base URL (the sandbox's URL in development).
    public static let schwabAPIBaseURL = "SCHWAB_API_BASE_URL"

    /// Every secret name the server reads, in the order `config check` prints them.
    public static let knownNames = [
        schwabClientID, schwabClientSecret, schwabRedirectURI, cookieEncryptionKey, schwabAPIBaseURL,
    ]

    private var values: [String: (value: String, source: Source)]

    /// Secrets with the given values; for tests and for code that builds them by hand.
    public init(_ values: [String: String], source: Source = .environment) {
        self.values = values.mapValues { ($0, source) }
    }

    /// Gathers the known secrets (and every `.dev.vars` entry) with the environment winning.
    init(environment: [String: String], devVars: [DotEnvParser.Entry]) {
        values = [:]
        for entry in devVars { values[entry.name] = (entry.value, .devVars) }
        for name in Self.knownNames { if let value = environment[name] { values[name] = (value, .environment) } }
    }

    /// The value of the secret `name`, or nil when it is not set.
    public subscript(name: String) -> String? { values[name]?.value }

    /// Where `name` came from, or nil when it is not set.
    public func source(of name: String) -> Source? { values[name]?.source }

    /// The names that are set, sorted.
    public var names: [String] { values.keys.sorted() }

    /// `SCHWAB_CLIENT_ID`, if set.
    public var clientID: String? { self[Self.schwabClientID] }
    /// `SCHWAB_CLIENT_SECRET`, if set.
    public var clientSecret: String? { self[Self.schwabClientSecret] }
    /// `SCHWAB_REDIRECT_URI`, if set.
    public var redirectURI: String? { self[Self.schwabRedirectURI] }
    /// `COOKIE_ENCRYPTION_KEY`, if set.
    public var cookieKey: String? { self[Self.cookieEncryptionKey] }
    /// `SCHWAB_API_BASE_URL`, if set.
    public var apiBaseURL: String? { self[Self.schwabAPIBaseURL] }

    /// True when real Schwab app credentials are configured; `up` starts the sandbox otherwise.
    public var hasSchwabCredentials: Bool { clientID?.isEmpty == false && clientSecret?.isEmpty == false }

    /// Throws one problem per name in `names` that is unset or empty, saying where to put it.
    public func require(_ names: [String]) throws(ConfigErrors) {
        let missing = names.filter { (self[$0] ?? "").isEmpty }
        guard !missing.isEmpty else { return }
        throw ConfigErrors(
            missing.map { .missing($0, expected: "a secret set in the environment or in .dev.vars") })
    }

    /// True when `name` looks like a secret: a known name, or one that mentions a secret,
    /// token, password or key. Such names in `wrangler.toml` `[vars]` are refused.
    public static func isSecretName(_ name: String) -> Bool {
        if knownNames.contains(name) && name != schwabAPIBaseURL { return true }
        let upper = name.uppercased()
        return ["SECRET", "TOKEN", "PASSWORD", "PASSWD", "PRIVATE_KEY", "API_KEY"].contains { upper.contains($0) }
            || upper.hasSuffix("_KEY") || upper == "KEY"
    }

    /// Format checks for the secrets that are set; never echoes a value.
    func validate() -> [ConfigProblem] {
        var problems: [ConfigProblem] = []
        for name in [Self.schwabClientID, Self.schwabClientSecret, Self.cookieEncryptionKey] {
            if let value = self[name], value.isEmpty {
                problems.append(.invalid(name, expected: "a non-empty secret", received: ""))
            }
        }
        for name in [Self.schwabRedirectURI, Self.schwabAPIBaseURL] {
            if let value = self[name], !ConfigDecoder.isHTTPURL(value) {
                problems.append(.invalid(name, expected: "an http(s) URL", received: LogRedactor.redacted))
            }
        }
        return problems
    }

    /// The text people read: what `print` and string interpolation show.
    public var description: String {
        "Secrets(" + names.map { "\($0): [REDACTED] from \(values[$0]!.source.rawValue)" }.joined(separator: ", ") + ")"
    }

    /// Same as `description`: names and sources only, never values.
    public var debugDescription: String { description }

    /// Equal when the same names hold the same values from the same sources.
    public static func == (lhs: Secrets, rhs: Secrets) -> Bool {
        lhs.values.count == rhs.values.count
            && lhs.values.allSatisfy {
                rhs.values[$0.key]?.value == $0.value.value && rhs.values[$0.key]?.source == $0.value.source
            }
    }
}

extension Secrets: CustomReflectable {
    /// Mirrors show names only, so `dump(secrets)` and test-failure printing reveal nothing.
    public var customMirror: Mirror { Mirror(self, children: ["names": names], displayStyle: .struct) }
}
