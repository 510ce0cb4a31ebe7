import EdgeCore
import EdgeCrypto
import EdgeHTTP
import SchwabAuth

extension OAuthEndpoints {
    /// `GET /callback`: Schwab sends the browser back here. Verifies the state (signature, expiry,
    /// single use), exchanges the code (decoded exactly once, by the query parser), reads the Schwab
    /// user id, stores Schwab's tokens, and redirects to the MCP client with our own code.
    func callback(_ request: HTTPRequest, requestId: String) async -> HTTPResponse {
        let query = request.queryParameters
        let payload: JSONValue
        do throws(AuthError) {
            guard let state = query.first("state"), !state.isEmpty else {
                throw AuthError(.stateValidation, "Schwab's answer carries no state; start the sign-in again.")
            }
            payload = try SignedEnvelope.open(state, purpose: "schwab-state", key: keys.state, now: clock())
        } catch {
            return fail(error, requestId: requestId, json: false)
        }
        guard let authorization = AuthorizeRequest(payload: payload), let nonce = payload["nonce"]?.stringValue,
            let sealed = payload["code_verifier_sealed"]?.stringValue.flatMap(Base64URL.decode),
            let opened = try? AESGCM.open(sealed, key: keys.verifier),
            let verifier = String(validating: opened, as: UTF8.self)
        else {
            return fail(
                AuthError(.stateValidation, "the sign-in state is incomplete; start the sign-in again."),
                requestId: requestId, json: false)
        }
        func backToClient(_ error: AuthError) -> HTTPResponse {
            logger.warn(
                "callback failed",
                [
                    ("request_id", .string(requestId)), ("client_id", .string(authorization.clientId)),
                    ("kind", .string(error.kind.name)),
                    ("schwab_correlation_id", error.upstreamCorrelationId.map { .string($0) } ?? .null),
                ])
            var response = HTTPResponse.redirect(
                to: AuthorizeRequest.redirectBack(
                    to: authorization.redirectURI,
                    [
                        ("error", error.kind == .accessDenied ? "access_denied" : "server_error"),
                        ("error_description", error.message + " (request \(requestId))"),
                    ], state: authorization.state, issuer: settings.issuer))
            response.headers.set("X-Request-Id", requestId)
            return response
        }
        do {
            try await grants.consumeState(nonce: nonce)
        } catch {
            return fail(error, requestId: requestId, json: false)
        }
        if let schwabError = query.first("error") {
            return backToClient(AuthError(.accessDenied, "Schwab sign-in was not completed (\(schwabError))."))
        }
        guard let code = query.first("code"), !code.isEmpty else {
            return backToClient(AuthError(.codeExchange, "Schwab's answer carries no code; sign in again."))
        }
        do {
            let tokens = try await schwab.exchange(code: code, verifier: verifier, now: clock())
            let userId = try await schwab.userId(accessToken: tokens.accessToken)
            try await schwabTokens.save(tokens, schwabUserId: userId, clientId: authorization.clientId)
            let ours = try await grants.issueCode(for: authorization, schwabUserId: userId)
            logger.info(
                "schwab sign-in complete",
                [
                    ("request_id", .string(requestId)), ("client_id", .string(authorization.clientId)),
                    ("schwab_user_id", .string(userId)),
                ])
            var response = HTTPResponse.redirect(
                to: AuthorizeRequest.redirectBack(
                    to: authorization.redirectURI, [("code", ours)], state: authorization.state,
                    issuer: settings.issuer))
            response.headers.set("X-Request-Id", requestId)
            response.headers.set("Cache-Control", "no-store")
            response.headers.set("Referrer-Policy", "no-referrer")
            return response
        } catch {
            return backToClient(error)
        }
    }
}
