/// Schwab's OAuth endpoints and our app's credentials there (reference/schwab-api.md §1).
public struct SchwabOAuthSettings: Sendable {
    /// `https://api.schwabapi.com/v1/oauth/authorize`, or the sandbox's.
    public var authorizeURL: String
    /// `https://api.schwabapi.com/v1/oauth/token`, or the sandbox's.
    public var tokenURL: String
    /// The Trader API base (`https://api.schwabapi.com/trader/v1`), for user preferences.
    public var traderBaseURL: String
    /// The app key (`SCHWAB_CLIENT_ID`).
    public var clientId: String
    /// The app secret (`SCHWAB_CLIENT_SECRET`); never logged.
    public var clientSecret: String
    /// Our `/callback` as registered at Schwab (`SCHWAB_REDIRECT_URI`).
    public var redirectURI: String

    /// Settings against `apiBase` (`https://api.schwabapi.com` or the sandbox's base URL).
    public init(apiBase: String, clientId: String, clientSecret: String, redirectURI: String) {
        var base = apiBase
        while base.hasSuffix("/") { base.removeLast() }
        authorizeURL = base + "/v1/oauth/authorize"
        tokenURL = base + "/v1/oauth/token"
        traderBaseURL = base + "/trader/v1"
        self.clientId = clientId
        self.clientSecret = clientSecret
        self.redirectURI = redirectURI
    }
}
