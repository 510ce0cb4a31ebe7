import EdgeCore
import SchwabAuth

/// The OAuth layer's settings and keys as the configuration and secrets give them: what the
/// router (our authorization server) and the session hosts (which refresh Schwab tokens and
/// revoke grants of a dead sign-in) both build at start-up, so both read the same values.
///
/// - issuer: `[runtime] public_url` (RFC 8414 §2: the same string everywhere it appears);
/// - Schwab: `SCHWAB_API_BASE_URL` (the supervisor passes the sandbox's URL when it runs) else
///   `https://api.schwabapi.com`; `SCHWAB_CLIENT_ID`, `SCHWAB_CLIENT_SECRET`; `SCHWAB_REDIRECT_URI`,
///   by default `<public_url>/callback`;
/// - keys: HKDF from `COOKIE_ENCRYPTION_KEY` (`OAuthKeys`);
/// - KV namespace: the `OAUTH_KV` binding.
public struct OAuthSetup: Sendable {
    /// The Schwab API used when `SCHWAB_API_BASE_URL` is not set.
    public static let defaultAPIBase = "https://api.schwabapi.com"
    /// The KV binding that holds grants, clients and Schwab tokens.
    public static let namespaceBinding = "OAUTH_KV"
    /// The secrets without which the OAuth layer cannot run.
    public static let requiredSecrets = [
        Secrets.schwabClientID, Secrets.schwabClientSecret, Secrets.cookieEncryptionKey,
    ]

    /// Issuer, resources, scopes, lifetimes and Schwab's side.
    public let settings: OAuthSettings
    /// The keys derived from `COOKIE_ENCRYPTION_KEY`.
    public let keys: OAuthKeys

    /// Builds both from `config` and `secrets`; every problem is reported at once, each naming
    /// the secret or setting and where to put it.
    public init(config: Config, secrets: Secrets) throws(OAuthSetupError) {
        var problems: [String] = []
        for name in Self.requiredSecrets where (secrets[name] ?? "").isEmpty {
            problems.append(
                "\(name) is not set: put `\(name)=...` in .dev.vars next to wrangler.toml, or export it in the "
                    + "environment (\(Self.hint(for: name)))")
        }
        let binding = config.kvNamespace(binding: Self.namespaceBinding)
        if binding == nil {
            problems.append(
                "no [[kv_namespaces]] entry with binding = \"\(Self.namespaceBinding)\" in wrangler.toml: "
                    + "grants and Schwab tokens live there")
        }
        var keys: OAuthKeys?
        if let secret = secrets.cookieKey, !secret.isEmpty {
            do { keys = try OAuthKeys(cookieEncryptionKey: secret) } catch { problems.append(error.message) }
        }
        guard problems.isEmpty, let keys, let binding else { throw OAuthSetupError(problems: problems) }
        let issuer = config.runtime.publicURL
        let schwab = SchwabOAuthSettings(
            apiBase: secrets.apiBaseURL.flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultAPIBase,
            clientId: secrets.clientID ?? "", clientSecret: secrets.clientSecret ?? "",
            redirectURI: secrets.redirectURI.flatMap { $0.isEmpty ? nil : $0 } ?? Self.callbackURL(issuer: issuer))
        settings = OAuthSettings(issuer: issuer, namespace: binding.binding, schwab: schwab)
        self.keys = keys
    }

    /// `<issuer>/callback`: where Schwab sends the user back unless `SCHWAB_REDIRECT_URI` says otherwise.
    public static func callbackURL(issuer: String) -> String {
        var base = issuer
        while base.hasSuffix("/") { base.removeLast() }
        return base + "/callback"
    }

    static func hint(for name: String) -> String {
        switch name {
        case Secrets.cookieEncryptionKey:
            "at least 32 characters, e.g. from `openssl rand -hex 32`; scripts/up writes one for you"
        case Secrets.schwabClientID: "your Schwab app's key from developer.schwab.com"
        default: "your Schwab app's secret from developer.schwab.com"
        }
    }
}

/// Why the OAuth layer cannot start: one line per problem, each saying what to do.
public struct OAuthSetupError: Error, Sendable, Equatable {
    /// The problems, in a stable order.
    public let problems: [String]

    /// The text to print: every problem on its own line.
    public var message: String {
        "auth = \"oauth\" cannot start:\n" + problems.map { "  - " + $0 }.joined(separator: "\n")
    }
}
