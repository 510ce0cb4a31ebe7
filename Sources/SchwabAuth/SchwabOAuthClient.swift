import EdgeCore
import EdgeCrypto
import EdgeHTTP
import EdgeNet

/// Our client of Schwab's OAuth server and the one Trader call the sign-in needs
/// (reference/schwab-api.md §1 and §7).
///
/// The token endpoint takes HTTP Basic `base64(appKey:appSecret)`. The authorization code arrives
/// percent-encoded on `/callback` (`%40` for `@`); the caller passes it decoded exactly once (the
/// query parser's one decoding) and the form encoder encodes it once, so it reaches Schwab intact.
public struct SchwabOAuthClient: Sendable {
    /// Endpoints and credentials.
    public let settings: SchwabOAuthSettings
    let upstream: UpstreamClient

    /// A client sending through `upstream`.
    public init(settings: SchwabOAuthSettings, upstream: UpstreamClient) {
        self.settings = settings
        self.upstream = upstream
    }

    /// The authorize URL the browser is sent to, with our `state` and a PKCE S256 challenge.
    public func authorizeURL(state: String, codeChallenge: String) -> String {
        let query = QueryParameters([
            ("response_type", "code"), ("client_id", settings.clientId), ("redirect_uri", settings.redirectURI),
            ("scope", "readonly"), ("state", state), ("code_challenge", codeChallenge),
            ("code_challenge_method", "S256"),
        ])
        return settings.authorizeURL + "?" + query.encoded
    }

    /// Exchanges an authorization code (decoded once) for tokens (RFC 6749 §4.1.3).
    public func exchange(code: String, verifier: String, now: Int64) async throws(AuthError) -> SchwabTokens {
        let response = try await postToken(
            [
                ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", settings.redirectURI),
                ("code_verifier", verifier),
            ], what: "the code exchange", failure: .codeExchange)
        return try SchwabTokens.parse(response.body, now: now)
    }

    /// Refreshes (RFC 6749 §6). A refused refresh token (400/401 `invalid_grant`) becomes the
    /// seed's TokenRefresh error, which tells the user to sign in again and maps to a 401.
    public func refresh(_ tokens: SchwabTokens, now: Int64) async throws(AuthError) -> SchwabTokens {
        let response = try await postToken(
            [("grant_type", "refresh_token"), ("refresh_token", tokens.refreshToken)], what: "the token refresh",
            failure: .tokenRefresh)
        do {
            return try SchwabTokens.parse(response.body, now: now, previous: tokens)
        } catch {
            throw AuthError(.tokenRefresh, "Schwab's refresh answer was unusable; sign in again. (\(error.message))")
        }
    }

    /// The stable Schwab user id: `streamerInfo[0].schwabClientCorrelId` of `GET /userPreference`
    /// (reference/schwab-api.md §7); an empty `streamerInfo` fails the login as in the seed.
    public func userId(accessToken: String) async throws(AuthError) -> String {
        var headers = HTTPHeaders()
        headers.add("Authorization", "Bearer " + accessToken)
        headers.add("Accept", "application/json")
        let response: UpstreamResponse
        do {
            response = try await upstream.send(
                UpstreamRequest(method: .get, url: settings.traderBaseURL + "/userPreference", headers: headers))
        } catch {
            throw UpstreamErrorMapping.map(error, what: "reading user preferences")
        }
        guard response.isSuccess else {
            throw UpstreamErrorMapping.map(
                status: response.status, correlationId: response.header("Schwab-Client-CorrelId"),
                what: "reading user preferences")
        }
        guard let json = try? JSONValue.parse(response.body),
            let id = json["streamerInfo"]?[0]?["schwabClientCorrelId"]?.stringValue, !id.isEmpty
        else {
            throw AuthError(
                .codeExchange, "Schwab's user preferences carry no user id (streamerInfo is empty); sign in again.")
        }
        return id
    }

    private func postToken(
        _ fields: [(String, String)], what: String, failure: AuthError.Kind
    ) async throws(AuthError) -> UpstreamResponse {
        var headers = HTTPHeaders()
        headers.add("Authorization", "Basic " + Base64.encode(settings.clientId + ":" + settings.clientSecret))
        headers.add("Accept", "application/json")
        let response: UpstreamResponse
        do {
            response = try await upstream.send(.form(url: settings.tokenURL, fields: fields, headers: headers))
        } catch {
            throw UpstreamErrorMapping.map(error, what: what)
        }
        guard response.isSuccess else {
            let correlation = response.header("Schwab-Client-CorrelId")
            let oauthError = (try? JSONValue.parse(response.body))?["error"]?.stringValue
            if (response.status == 400 || response.status == 401) && oauthError == "invalid_grant" {
                let message =
                    failure == .tokenRefresh
                    ? "Your Schwab sign-in has expired (Schwab allows 7 days). Sign in again: reconnect your MCP client and approve it once more."
                    : "Schwab refused the sign-in code (it may have expired or been used). Start the sign-in again."
                throw AuthError(failure, message, upstreamCorrelationId: correlation)
            }
            if response.status == 401 && oauthError == "invalid_client" {
                throw AuthError(
                    .serverError,
                    "Schwab refused our app credentials; the operator must check SCHWAB_CLIENT_ID and SCHWAB_CLIENT_SECRET.",
                    upstreamCorrelationId: correlation)
            }
            throw UpstreamErrorMapping.map(status: response.status, correlationId: correlation, what: what)
        }
        return response
    }
}
