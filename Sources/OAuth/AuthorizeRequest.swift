import EdgeCore
import EdgeHTTP
import SchwabAuth

/// A validated `/authorize` request (RFC 6749 §4.1.1, PKCE RFC 7636, `resource` RFC 8707).
///
/// It is built only through `validate`, so holding one means every rule below passed; it travels
/// through the approval form and the Schwab `state` as JSON and is re-validated against the signed
/// copy, never trusted from the browser.
public struct AuthorizeRequest: Sendable, Equatable {
    /// The client.
    public let clientId: String
    /// The exact registered redirect URI the code goes to.
    public let redirectURI: String
    /// The scopes granted.
    public let scopes: [String]
    /// The client's opaque `state`, returned unchanged (RFC 6749 §4.1.2).
    public let state: String?
    /// The S256 PKCE challenge.
    public let codeChallenge: String
    /// The canonical resource the token will be bound to (RFC 8707).
    public let resource: String

    /// Where a refusal goes: to the client's redirect URI when that is known to be the client's
    /// own (RFC 6749 §4.1.2.1), otherwise an error page (never an open redirect).
    public enum Refusal: Error, Sendable {
        /// Show this error on our page: the redirect URI could not be trusted.
        case page(AuthError)
        /// Redirect back to the client with `error`, `state` and `iss`.
        case redirect(AuthError, redirectURI: String, state: String?)
    }

    /// Validates `query` for `client`: client first, then the redirect URI (both decide whether a
    /// redirect is safe), then response type, PKCE, scope and resource.
    public static func validate(
        _ query: QueryParameters, client: RegisteredClient?, settings: OAuthSettings
    ) -> Result<AuthorizeRequest, Refusal> {
        for name in [
            "client_id", "redirect_uri", "response_type", "state", "scope", "code_challenge",
            "code_challenge_method", "resource",
        ]
        where query.all(name).count > 1 {
            return .failure(.page(AuthError(.invalidRequest, "'\(name)' appears more than once (RFC 6749 §3.1).")))
        }
        guard let clientId = query.first("client_id"), !clientId.isEmpty else {
            return .failure(.page(AuthError(.missingClientId, "client_id is missing from the authorization request.")))
        }
        guard let client, client.clientId == clientId else {
            return .failure(
                .page(
                    AuthError(
                        .missingClientId, "client '\(clientId)' is not registered here (or expired); register again.")))
        }
        let redirect: String
        if let asked = query.first("redirect_uri") {
            guard RedirectURIRules.matches(asked, registered: client.redirectURIs) else {
                return .failure(
                    .page(AuthError(.invalidRequest, "redirect_uri does not match any URI registered by this client.")))
            }
            redirect = asked
        } else if client.redirectURIs.count == 1 {
            redirect = client.redirectURIs[0]
        } else {
            return .failure(
                .page(AuthError(.invalidRequest, "redirect_uri is required: the client registered several.")))
        }
        let state = query.first("state")
        func refuse(_ error: AuthError) -> Result<AuthorizeRequest, Refusal> {
            .failure(.redirect(error, redirectURI: redirect, state: state))
        }
        guard query.first("response_type") == "code" else {
            return refuse(AuthError(.invalidRequest, "response_type must be 'code' (OAuth 2.1 §4.1.1)."))
        }
        do {
            try PKCE.validateChallenge(query.first("code_challenge"), method: query.first("code_challenge_method"))
            let scopes = try settings.grantedScopes(query.first("scope"))
            let resource = try settings.canonicalResource(query.first("resource"))
            return .success(
                AuthorizeRequest(
                    clientId: clientId, redirectURI: redirect, scopes: scopes, state: state,
                    codeChallenge: query.first("code_challenge")!, resource: resource))
        } catch {
            return refuse(error)
        }
    }

    /// The request as JSON fields, for the signed form value and the Schwab `state`.
    var fields: [(String, JSONValue)] {
        var out: [(String, JSONValue)] = [
            ("client_id", .string(clientId)), ("redirect_uri", .string(redirectURI)),
            ("scope", .string(scopes.joined(separator: " "))), ("code_challenge", .string(codeChallenge)),
            ("resource", .string(resource)),
        ]
        if let state { out.append(("state", .string(state))) }
        return out
    }

    /// Rebuilds a request from the fields of a signed payload (already MAC-checked).
    init?(payload: JSONValue) {
        guard let clientId = payload["client_id"]?.stringValue, let redirect = payload["redirect_uri"]?.stringValue,
            let scope = payload["scope"]?.stringValue, let challenge = payload["code_challenge"]?.stringValue,
            let resource = payload["resource"]?.stringValue
        else { return nil }
        self.clientId = clientId
        redirectURI = redirect
        scopes = scope.split(separator: " ").map(String.init)
        state = payload["state"]?.stringValue
        codeChallenge = challenge
        self.resource = resource
    }

    init(
        clientId: String, redirectURI: String, scopes: [String], state: String?, codeChallenge: String, resource: String
    ) {
        self.clientId = clientId
        self.redirectURI = redirectURI
        self.scopes = scopes
        self.state = state
        self.codeChallenge = codeChallenge
        self.resource = resource
    }

    /// The redirect back to the client (RFC 6749 §4.1.2) with `iss` (RFC 9207 §2).
    static func redirectBack(
        to uri: String, _ parameters: [(String, String)], state: String?, issuer: String
    )
        -> String
    {
        var query = QueryParameters(parameters)
        if let state { query.append("state", state) }
        query.append("iss", issuer)
        return uri + (uri.contains("?") ? "&" : "?") + query.encoded
    }
}
