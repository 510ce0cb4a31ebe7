import EdgeCore
import EdgeCrypto
import EdgeHTTP

extension SandboxResponder {
    /// `/v1/oauth/authorize` (GET shows the login page, POST is its form) and `/v1/oauth/token`.
    mutating func addOAuthRoutes() {
        let state = self.state
        routes(get: "/v1/oauth/authorize") { request in
            let query = SandboxResponder.query(request)
            switch SandboxResponder.checkAuthorize(query, state: state) {
            case .failure(let message): return .html(LoginPage.error(message), status: .badRequest)
            case .success(let hidden): return .html(LoginPage.render(users: state.users, hidden: hidden))
            }
        }
        routes(post: "/v1/oauth/authorize") { request in
            let form = SandboxQuery(String(decoding: request.body, as: UTF8.self))
            let hidden: [(String, String)]
            switch SandboxResponder.checkAuthorize(form, state: state) {
            case .failure(let message): return .html(LoginPage.error(message), status: .badRequest)
            case .success(let fields): hidden = fields
            }
            guard let login = form["login"], let user = state.user(login: login) else {
                return .html(
                    LoginPage.render(users: state.users, hidden: hidden, error: "Choose one of the demo users."),
                    status: .badRequest)
            }
            let redirect = form["redirect_uri"]!
            let code = state.oauth.withLock {
                $0.issueCode(
                    clientId: form["client_id"]!, redirectURI: redirect, login: user.login,
                    challenge: form["code_challenge"], method: form["code_challenge_method"] ?? "plain",
                    now: state.clock.now())
            }
            var location = redirect + (redirect.contains("?") ? "&" : "?") + "code=" + PercentEncoding.encode(code)
            if let value = form["state"] { location += "&state=" + PercentEncoding.encode(value) }
            location += "&session=" + SecureRandom.token(byteCount: 12)
            return .redirect(to: location)
        }
        add(.post, "/v1/oauth/token", .oauth) { request throws(SandboxError) in
            try SandboxResponder.token(request, state: state)
        }
    }

    private mutating func routes(get pattern: String, _ body: @escaping @Sendable (HTTPRequest) -> HTTPResponse) {
        add(.get, pattern, .oauth) { request in body(request) }
    }

    private mutating func routes(post pattern: String, _ body: @escaping @Sendable (HTTPRequest) -> HTTPResponse) {
        add(.post, pattern, .oauth) { request in body(request) }
    }

    enum AuthorizeCheck {
        case success([(String, String)])
        case failure(String)
    }

    /// Checks an authorize request's parameters; returns the ones the form carries along.
    static func checkAuthorize(_ query: SandboxQuery, state: SandboxState) -> AuthorizeCheck {
        guard let clientId = query["client_id"], !clientId.isEmpty else { return .failure("client_id is missing.") }
        guard clientId == state.configuration.clientId else {
            return .failure("Unknown client_id '\(clientId)': use the app key the sandbox was started with.")
        }
        guard let redirect = query["redirect_uri"], state.configuration.accepts(redirectURI: redirect) else {
            return .failure(
                "redirect_uri '\(query["redirect_uri"] ?? "")' does not match a registered callback URL exactly.")
        }
        guard query["response_type"] == "code" else { return .failure("response_type must be 'code'.") }
        if let method = query["code_challenge_method"], method != "S256" && method != "plain" {
            return .failure("code_challenge_method must be S256 or plain.")
        }
        var hidden: [(String, String)] = [
            ("response_type", "code"), ("client_id", clientId), ("redirect_uri", redirect),
        ]
        for name in ["state", "scope", "code_challenge", "code_challenge_method"] {
            if let value = query[name] { hidden.append((name, value)) }
        }
        return .success(hidden)
    }

    /// `POST /v1/oauth/token`: HTTP Basic app credentials, then the grant (RFC 6749 §4.1.3, §6).
    static func token(_ request: HTTPRequest, state: SandboxState) throws(SandboxError) -> HTTPResponse {
        let configuration = state.configuration
        guard let header = request.headers["Authorization"], header.lowercased().hasPrefix("basic "),
            let decoded = Base64.decode(String(header.dropFirst(6)).trimmingCharacters()),
            let pair = String(validating: decoded, as: UTF8.self), let colon = pair.firstIndex(of: ":"),
            ConstantTime.equals(String(pair[..<colon]), configuration.clientId),
            ConstantTime.equals(String(pair[pair.index(after: colon)...]), configuration.clientSecret)
        else {
            throw SandboxError(
                code: "invalid_client", status: 401,
                message: "Client authentication failed: send 'Authorization: Basic base64(app key:app secret)'")
        }
        let form = SandboxQuery(String(decoding: request.body, as: UTF8.self))
        let now = state.clock.now()
        let tokens: OAuthStore.TokenSet
        switch form["grant_type"] {
        case "authorization_code":
            guard let code = form["code"] else {
                throw SandboxError(code: "invalid_request", status: 400, message: "code is required")
            }
            tokens = try state.oauth.withLock { store throws(SandboxError) in
                try store.exchange(
                    code: code, clientId: configuration.clientId, redirectURI: form["redirect_uri"],
                    verifier: form["code_verifier"], now: now)
            }
        case "refresh_token":
            guard let refresh = form["refresh_token"] else {
                throw SandboxError(code: "invalid_request", status: 400, message: "refresh_token is required")
            }
            tokens = try state.oauth.withLock { store throws(SandboxError) in
                try store.refresh(refresh, clientId: configuration.clientId, now: now)
            }
        default:
            throw SandboxError(
                code: "unsupported_grant_type", status: 400,
                message: "grant_type must be authorization_code or refresh_token")
        }
        let user = state.user(login: tokens.login)
        let claims: JSONValue = .object([
            ("sub", .string(user?.correlId ?? tokens.login)), ("iss", "sandbox"), ("iat", .int(Int(now))),
        ])
        let idToken =
            Base64URL.encode(Array(#"{"alg":"none","typ":"JWT"}"#.utf8)) + "."
            + Base64URL.encode(Array(claims.jsonText.utf8)) + "."
        let body: JSONValue = .object([
            ("expires_in", .int(Int(OAuthStore.accessLifetime))), ("token_type", "Bearer"), ("scope", "api"),
            ("refresh_token", .string(tokens.refreshToken)), ("access_token", .string(tokens.accessToken)),
            ("id_token", .string(idToken)),
        ])
        var response = SandboxResponder.json(body)
        response.headers.set("Cache-Control", "no-store")
        return response
    }
}

extension String {
    func trimmingCharacters() -> String { String(Substring(self).trimmingSpaces) }
}
