import EdgeCore
import EdgeCrypto
import EdgeHTTP
import SchwabAuth

extension OAuthEndpoints {
    /// `POST /token` (RFC 6749 §3.2): the authorization code and refresh token grants.
    func token(_ request: HTTPRequest, requestId: String) async -> HTTPResponse {
        do throws(AuthError) {
            let form = try readForm(request)
            let client = try await authenticateClient(request, form: form)
            let issued: IssuedTokens
            switch form.first("grant_type") {
            case "authorization_code":
                guard let code = form.first("code") else {
                    throw AuthError(.invalidRequest, "code is required for grant_type authorization_code.")
                }
                issued = try await grants.exchangeCode(
                    code, clientId: client.clientId, redirectURI: form.first("redirect_uri"),
                    verifier: form.first("code_verifier"), resource: form.first("resource"))
            case "refresh_token":
                guard let refresh = form.first("refresh_token") else {
                    throw AuthError(.invalidRequest, "refresh_token is required for grant_type refresh_token.")
                }
                issued = try await grants.refresh(
                    refresh, clientId: client.clientId, resource: form.first("resource"), scope: form.first("scope"))
            case let other:
                throw AuthError(
                    .unsupportedGrantType,
                    "grant_type '\(other ?? "")' is not supported; use authorization_code or refresh_token.")
            }
            try await grants.touchClient(client)
            logger.info(
                "tokens issued",
                [
                    ("request_id", .string(requestId)), ("client_id", .string(client.clientId)),
                    ("grant_type", .string(form.first("grant_type") ?? "")),
                ])
            var response = json(issued.json, request: request, requestId: requestId)
            response.headers.set("Pragma", "no-cache")
            return response
        } catch {
            return fail(error, requestId: requestId, json: true)
        }
    }

    /// `POST /revoke` (RFC 7009 §2): 200 whether or not the token was known.
    func revoke(_ request: HTTPRequest, requestId: String) async -> HTTPResponse {
        do throws(AuthError) {
            let form = try readForm(request)
            let client = try await authenticateClient(request, form: form)
            guard let token = form.first("token"), !token.isEmpty else {
                throw AuthError(.invalidRequest, "token is required (RFC 7009 §2.1).")
            }
            try await grants.revoke(token: token, clientId: client.clientId)
            logger.info("token revoked", [("request_id", .string(requestId)), ("client_id", .string(client.clientId))])
            var response = HTTPResponse(status: .ok)
            response.headers.set("X-Request-Id", requestId)
            response.headers.set("Access-Control-Allow-Origin", "*")
            return response
        } catch {
            return fail(error, requestId: requestId, json: true)
        }
    }

    func readForm(_ request: HTTPRequest) throws(AuthError) -> QueryParameters {
        do {
            return try request.formParameters()
        } catch {
            throw AuthError(.invalidRequest, "the body must be application/x-www-form-urlencoded: \(error.reason)")
        }
    }

    /// The client of a token or revocation request: `client_id` (+ `client_secret`) in the form, or
    /// HTTP Basic (RFC 6749 §2.3.1). Metadata-document clients are public.
    func authenticateClient(_ request: HTTPRequest, form: QueryParameters) async throws(AuthError) -> RegisteredClient {
        var clientId = form.first("client_id")
        var secret = form.first("client_secret")
        if let header = request.headers["Authorization"], header.lowercased().hasPrefix("basic ") {
            guard let decoded = Base64.decode(String(Substring(header.dropFirst(6)).trimmingSpaces)),
                let text = String(validating: decoded, as: UTF8.self), let colon = text.firstIndex(of: ":")
            else { throw AuthError(.invalidClient, "the Basic credentials are malformed.") }
            let basicId = QueryParameters(parsing: "a=" + text[..<colon]).first("a") ?? ""
            if let clientId, clientId != basicId {
                throw AuthError(.invalidClient, "client_id differs between the form and the Basic credentials.")
            }
            clientId = basicId
            secret = QueryParameters(parsing: "a=" + text[text.index(after: colon)...]).first("a")
        }
        guard let clientId, !clientId.isEmpty else {
            throw AuthError(.invalidClient, "client_id is required (RFC 6749 §3.2.1).")
        }
        if settings.clientMetadataDocuments, ClientMetadataDocument.isDocumentURL(clientId) {
            return RegisteredClient(
                clientId: clientId, clientName: nil, redirectURIs: [], tokenEndpointAuthMethod: "none",
                secretHash: nil, issuedAt: clock())
        }
        guard let client = try await grants.registeredClient(id: clientId) else {
            throw AuthError(.invalidClient, "client '\(clientId)' is not registered (or expired); register again.")
        }
        try client.authenticate(secret: secret)
        return client
    }
}
