/// What the sandbox is started with: its seed, the app credentials it accepts, the redirect
/// URIs it honours, the admin token and the order throttle.
public struct SandboxConfiguration: Sendable {
    /// Seed of every generated number, price and account (`--seed`).
    public var seed: UInt64 = 1
    /// The app key clients must present (`--client-id`, default `sandbox-app`).
    public var clientId = "sandbox-app"
    /// The app secret (`--client-secret`, default `sandbox-secret`).
    public var clientSecret = "sandbox-secret"
    /// Registered callbacks (`--redirect-uri`, repeatable). Schwab requires an exact match; when
    /// none are registered the sandbox accepts any loopback `http://` callback (localhost,
    /// 127.0.0.1, [::1]) so a newcomer's first run works without setup.
    public var redirectURIs: [String] = []
    /// Bearer token of the admin API (`--admin-token` or SANDBOX_ADMIN_TOKEN); nil turns it off.
    public var adminToken: String?
    /// Order requests allowed per account per minute before 429.
    public var orderRequestsPerMinute = 120

    /// The defaults above.
    public init() {}

    /// Whether `uri` is an acceptable callback under the rules above.
    public func accepts(redirectURI uri: String) -> Bool {
        if !redirectURIs.isEmpty { return redirectURIs.contains(uri) }
        for prefix in ["http://localhost", "http://127.0.0.1", "http://[::1]"] where uri.hasPrefix(prefix) {
            let rest = uri.dropFirst(prefix.count)
            if rest.isEmpty || rest.first == ":" || rest.first == "/" { return true }
        }
        return false
    }
}
