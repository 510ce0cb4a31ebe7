import EdgeCore
import EdgeCrypto
import EdgeHTTP
import EdgeNet
import SchwabAuth

extension OAuthEndpoints {
    /// `GET /authorize`: validates, then shows the approval page, or goes straight to Schwab when
    /// the approval cookie already names this client.
    func authorizeGet(_ request: HTTPRequest, requestId: String) async -> HTTPResponse {
        let query = request.queryParameters
        let client: RegisteredClient?
        do {
            client = try await lookUpClient(query.first("client_id"))
        } catch {
            return fail(error, requestId: requestId, json: false)
        }
        let authorization: AuthorizeRequest
        switch AuthorizeRequest.validate(query, client: client, settings: settings) {
        case .success(let value): authorization = value
        case .failure(let refusal): return refuse(refusal, requestId: requestId)
        }
        let now = clock()
        let secure = settings.secureCookies
        if let cookie = ApprovalCookie.read(from: request, key: keys.cookie, secure: secure, now: now),
            cookie.approves(authorization.clientId)
        {
            logger.info(
                "authorize: client already approved",
                [("request_id", .string(requestId)), ("client_id", .string(authorization.clientId))])
            return continueToSchwab(authorization, requestId: requestId, cookie: nil)
        }
        let signed = SignedEnvelope.seal(
            authorization.fields, purpose: "approval", key: keys.state, now: now, lifetime: settings.stateLifetime)
        let existing = request.cookies[CSRFToken.cookieName(secure: secure)]
        let csrfCookie = existing.flatMap { $0.utf8.count == 43 ? $0 : nil } ?? CSRFToken.makeCookieValue()
        let page = HTMLPage.Approval(
            clientName: client?.clientName ?? authorization.clientId, clientId: authorization.clientId,
            redirectHost: RedirectURIRules.displayHost(authorization.redirectURI), scopes: authorization.scopes,
            signedRequest: signed,
            csrfToken: CSRFToken.formValue(cookieValue: csrfCookie, signedRequest: signed, key: keys.csrf))
        var response = HTTPResponse.html(HTMLPage.approval(page))
        Self.pageHeaders(&response)
        response.headers.set("X-Request-Id", requestId)
        if csrfCookie != existing,
            let set = CSRFToken.setCookie(csrfCookie, secure: secure, lifetime: settings.stateLifetime)
        {
            response.setCookie(set)
        }
        logger.info(
            "authorize: approval page shown",
            [("request_id", .string(requestId)), ("client_id", .string(authorization.clientId))])
        return response
    }

    /// `POST /authorize`: the approval form. Checks the signed request and the CSRF token, then
    /// denies (redirect with `access_denied`) or remembers the approval and goes to Schwab.
    func authorizePost(_ request: HTTPRequest, requestId: String) async -> HTTPResponse {
        let form: QueryParameters
        do {
            form = try request.formParameters()
        } catch {
            return fail(
                AuthError(.invalidRequest, "the approval form could not be read: \(error.reason)"),
                requestId: requestId, json: false)
        }
        let now = clock()
        let authorization: AuthorizeRequest
        let signed = form.first("request") ?? ""
        do throws(AuthError) {
            let payload = try SignedEnvelope.open(signed, purpose: "approval", key: keys.state, now: now)
            guard let value = AuthorizeRequest(payload: payload) else {
                throw AuthError(.stateValidation, "the approval form is malformed; start the sign-in again.")
            }
            authorization = value
        } catch {
            return fail(error, requestId: requestId, json: false)
        }
        let secure = settings.secureCookies
        guard
            CSRFToken.isValid(
                formValue: form.first("csrf_token"), cookieValue: request.cookies[CSRFToken.cookieName(secure: secure)],
                signedRequest: signed, key: keys.csrf)
        else {
            let error = AuthError(
                .forgedForm,
                "the approval form did not come from this page in this browser (CSRF check failed); start the sign-in again."
            )
            return fail(error, requestId: requestId, json: false)
        }
        switch form.first("action") {
        case "deny":
            logger.info(
                "authorize: denied by user",
                [("request_id", .string(requestId)), ("client_id", .string(authorization.clientId))])
            return .redirect(
                to: AuthorizeRequest.redirectBack(
                    to: authorization.redirectURI,
                    [("error", "access_denied"), ("error_description", "the user denied the request")],
                    state: authorization.state, issuer: settings.issuer))
        case "approve":
            var cookie =
                ApprovalCookie.read(from: request, key: keys.cookie, secure: secure, now: now) ?? ApprovalCookie()
            cookie.approve(authorization.clientId)
            let set: SetCookie
            do {
                set = try cookie.setCookie(
                    key: keys.cookie, secure: secure, now: now, lifetime: settings.approvalLifetime)
            } catch {
                return fail(error, requestId: requestId, json: false)
            }
            logger.info(
                "authorize: approved by user",
                [("request_id", .string(requestId)), ("client_id", .string(authorization.clientId))])
            return continueToSchwab(authorization, requestId: requestId, cookie: set)
        default:
            return fail(
                AuthError(.invalidRequest, "the approval form must say approve or deny."), requestId: requestId,
                json: false)
        }
    }

    /// Redirects to Schwab's authorize URL with a signed, expiring state carrying the request and
    /// a fresh PKCE verifier (seed "State Parameter Structure"). Unlike the seed, the verifier is
    /// sealed with AES-256-GCM inside the state, so the browser and Schwab never see it in clear.
    func continueToSchwab(_ authorization: AuthorizeRequest, requestId: String, cookie: SetCookie?) -> HTTPResponse {
        let verifier = PKCE.makeVerifier()
        guard let sealed = try? AESGCM.seal(Array(verifier.utf8), key: keys.verifier) else {
            return fail(
                AuthError(.serverError, "could not seal the sign-in state; retry."), requestId: requestId, json: false)
        }
        let state = SignedEnvelope.seal(
            authorization.fields + [
                ("nonce", .string(SecureRandom.token(byteCount: 16))),
                ("code_verifier_sealed", .string(Base64URL.encode(sealed))),
            ], purpose: "schwab-state", key: keys.state, now: clock(), lifetime: settings.stateLifetime)
        var response = HTTPResponse.redirect(
            to: schwab.authorizeURL(state: state, codeChallenge: PKCE.challengeFor(verifier: verifier)))
        response.headers.set("X-Request-Id", requestId)
        response.headers.set("Cache-Control", "no-store")
        if let cookie { response.setCookie(cookie) }
        return response
    }

    /// A refusal: an error page when the redirect URI is not trusted, else a redirect to the
    /// client with `error`, `state` and `iss` (RFC 6749 §4.1.2.1, RFC 9207).
    func refuse(_ refusal: AuthorizeRequest.Refusal, requestId: String) -> HTTPResponse {
        switch refusal {
        case .page(let error):
            return fail(error, requestId: requestId, json: false)
        case .redirect(let error, let uri, let state):
            logger.info(
                "authorize refused", [("request_id", .string(requestId)), ("kind", .string(error.kind.name))])
            var response = HTTPResponse.redirect(
                to: AuthorizeRequest.redirectBack(
                    to: uri, [("error", error.code), ("error_description", error.message)], state: state,
                    issuer: settings.issuer))
            response.headers.set("X-Request-Id", requestId)
            return response
        }
    }

    /// A registered client, or the client a metadata document URL describes (fetched and checked).
    func lookUpClient(_ id: String?) async throws(AuthError) -> RegisteredClient? {
        guard let id, !id.isEmpty else { return nil }
        guard settings.clientMetadataDocuments, ClientMetadataDocument.isDocumentURL(id) else {
            return try await grants.registeredClient(id: id)
        }
        var headers = HTTPHeaders()
        headers.add("Accept", "application/json")
        let response: UpstreamResponse
        do {
            response = try await upstream.send(
                UpstreamRequest(method: .get, url: id, headers: headers, timeout: .seconds(5)))
        } catch {
            throw AuthError(
                .invalidClientDocument,
                "the client metadata document at \(id) could not be fetched (\(error.kind.rawValue)).")
        }
        guard response.status == 200 else {
            throw AuthError(
                .invalidClientDocument, "the client metadata document at \(id) answered \(response.status).")
        }
        return try ClientMetadataDocument.client(from: response.body, clientId: id, now: clock())
    }
}
