import EdgeCore
import EdgeCrypto
import EdgeHTTP
import EdgeKV
import Testing

@testable import OAuth

/// The whole sign-in through our endpoints, the real KV service and the real sandbox: register,
/// authorize, approve, log in at "Schwab", callback, token, bearer, refresh, revoke.
@Suite(.serialized, .realWorld) struct SignInFlowTests {
    @Test func theFullFlowIssuesATokenBoundToTheSchwabUser() async throws {
        let world = try await OAuthWorld()
        let (clientId, tokens, secrets) = try await world.signIn()
        let access = try #require(tokens["access_token"]?.stringValue)
        #expect(tokens["token_type"] == "Bearer")
        let outcome = await world.endpoints.bearer.authenticate(world.mcpRequest(authorization: "Bearer " + access))
        guard case .authorized(let props) = outcome else {
            Issue.record("the token was refused: \(outcome)")
            return
        }
        let userId = try await world.sandboxUserId()
        #expect(props.schwabUserId == userId && props.clientId == clientId && props.objectId == userId)
        #expect(props.resource == Fixture.issuer + "/mcp" && props.scopes == ["read"])

        // Schwab's tokens are stored under token:<userId>, encrypted: the raw value shows no token.
        let stored = try #require(
            try await world.endpoints.schwabTokens.load(schwabUserId: userId, clientId: clientId))
        let raw = try #require(try await world.kv.client.get(namespace: "OAUTH_KV", key: "token:" + userId))
        #expect(!raw.text.contains(stored.accessToken) && !raw.text.contains(stored.refreshToken))
        #expect(raw.expiration != nil)
        let allSecrets = secrets + [stored.accessToken, stored.refreshToken]
        try LogScan.expectClean(world.logs.all, of: allSecrets)
    }

    @Test func anApprovedBrowserSkipsThePageNextTime() async throws {
        let world = try await OAuthWorld()
        let (clientId, _, _) = try await world.signIn()
        let again = await world.send(
            .get, world.authorizeTarget(clientId: clientId, challenge: PKCE.challengeFor(verifier: PKCE.makeVerifier()))
        )
        #expect(again.status.code == 302)
        #expect(again.headers["Location"]?.hasPrefix(world.sandbox.base + "/v1/oauth/authorize?") == true)
        // Without the cookie, or with a tampered one, the page is shown again.
        let name = ApprovalCookie.name(secure: false)
        let value = try #require(world.cookies[name])
        world.cookies[name] = String(value.dropLast()) + (value.hasSuffix("A") ? "B" : "A")
        let tampered = await world.send(
            .get, world.authorizeTarget(clientId: clientId, challenge: PKCE.challengeFor(verifier: PKCE.makeVerifier()))
        )
        #expect(tampered.status.code == 200)
        #expect(String(decoding: tampered.bodyBytes, as: UTF8.self).contains("Flow Test"))
    }

    @Test func theApprovalPageNamesTheClientAndTheRedirectHost() async throws {
        let world = try await OAuthWorld()
        let clientId = try await world.register()
        let page = await world.send(
            .get, world.authorizeTarget(clientId: clientId, challenge: PKCE.challengeFor(verifier: PKCE.makeVerifier()))
        )
        let html = String(decoding: page.bodyBytes, as: UTF8.self)
        #expect(html.contains("Flow Test") && html.contains("127.0.0.1:9") && html.contains(clientId))
        #expect(html.contains("name=\"csrf_token\"") && html.contains("<main>"))
        #expect(page.headers["X-Frame-Options"] == "DENY")
        #expect(
            page.headers.values("Set-Cookie").contains { $0.contains("HttpOnly") && $0.contains("SameSite=Strict") })
    }

    @Test func aFormPostedWithoutTheBrowsersCookieIsRefused() async throws {
        let world = try await OAuthWorld()
        let clientId = try await world.register()
        let page = await world.send(
            .get, world.authorizeTarget(clientId: clientId, challenge: PKCE.challengeFor(verifier: PKCE.makeVerifier()))
        )
        let html = String(decoding: page.bodyBytes, as: UTF8.self)
        let signed = try #require(OAuthWorld.hidden("request", in: html))
        let csrf = try #require(OAuthWorld.hidden("csrf_token", in: html))
        let forged = await world.send(
            .post, "/authorize", form: [("request", signed), ("csrf_token", csrf), ("action", "approve")],
            useCookies: false)
        #expect(forged.status.code == 403)
        #expect(forged.headers["Location"] == nil && forged.headers["X-Request-Id"] != nil)
        let wrongField = await world.send(
            .post, "/authorize", form: [("request", signed), ("csrf_token", "AAAA"), ("action", "approve")])
        #expect(wrongField.status.code == 403)
        let denied = await world.send(
            .post, "/authorize", form: [("request", signed), ("csrf_token", csrf), ("action", "deny")])
        let location = try #require(denied.headers["Location"])
        #expect(location.hasPrefix(world.redirectURI + "?error=access_denied"))
        #expect(location.contains("iss=") && location.contains("state=client-state"))
    }

    @Test func aReplayedTamperedOrExpiredStateIsRefusedAtTheCallback() async throws {
        let world = try await OAuthWorld()
        let clientId = try await world.register()
        let verifier = PKCE.makeVerifier()
        let page = await world.send(
            .get, world.authorizeTarget(clientId: clientId, challenge: PKCE.challengeFor(verifier: verifier)))
        let html = String(decoding: page.bodyBytes, as: UTF8.self)
        let approved = await world.send(
            .post, "/authorize",
            form: [
                ("request", OAuthWorld.hidden("request", in: html) ?? ""),
                ("csrf_token", OAuthWorld.hidden("csrf_token", in: html) ?? ""), ("action", "approve"),
            ])
        let callbackURL = try await world.sandboxLogin(try #require(approved.headers["Location"]))
        let target = String(callbackURL.dropFirst(Fixture.issuer.count))
        var query = QueryParameters(parsing: target.split(separator: "?", maxSplits: 1)[1])
        let state = try #require(query.first("state"))

        // Tampered: one character of the state changed.
        var chars = Array(state)
        chars[5] = chars[5] == "A" ? "B" : "A"
        let tampered = await world.send(
            .get, "/callback?" + QueryParameters([("code", query.first("code")!), ("state", String(chars))]).encoded)
        #expect(tampered.status.code == 400 && tampered.headers["Location"] == nil)

        // Used once, then replayed.
        let first = await world.send(.get, target)
        #expect(first.status.code == 302)
        let replay = await world.send(.get, target)
        #expect(replay.status.code == 400 && replay.headers["Location"] == nil)
        #expect(String(decoding: replay.bodyBytes, as: UTF8.self).contains("already used"))

        // Expired: a fresh sign-in whose state is eleven minutes old.
        let page2 = await world.send(
            .get, world.authorizeTarget(clientId: clientId, challenge: PKCE.challengeFor(verifier: verifier)))
        let approved2 = await world.send(
            .get, world.authorizeTarget(clientId: clientId, challenge: PKCE.challengeFor(verifier: verifier)))
        #expect(page2.status.code == 302 && approved2.status.code == 302)  // the approval cookie skips the page
        let late = try await world.sandboxLogin(try #require(approved2.headers["Location"]))
        world.clock.advance(11 * 60)
        let expired = await world.send(.get, String(late.dropFirst(Fixture.issuer.count)))
        #expect(expired.status.code == 400)
        #expect(String(decoding: expired.bodyBytes, as: UTF8.self).contains("expired"))
        query = QueryParameters()
        #expect(query.count == 0)
    }

    @Test func refreshRevokeAndTheBearerAnswersAfterward() async throws {
        let world = try await OAuthWorld()
        let (clientId, tokens, _) = try await world.signIn()
        let refresh = try #require(tokens["refresh_token"]?.stringValue)
        let refreshed = await world.send(
            .post, "/token",
            form: [("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", clientId)])
        #expect(refreshed.status.code == 200)
        let next = try JSONValue.parse(refreshed.bodyBytes)
        let newAccess = try #require(next["access_token"]?.stringValue)
        let newRefresh = try #require(next["refresh_token"]?.stringValue)
        // Use the new refresh token once: the old one is dead from then on.
        let third = await world.send(
            .post, "/token",
            form: [("grant_type", "refresh_token"), ("refresh_token", newRefresh), ("client_id", clientId)])
        #expect(third.status.code == 200)
        let reuse = await world.send(
            .post, "/token",
            form: [("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", clientId)])
        #expect(reuse.status.code == 400)
        #expect((try? JSONValue.parse(reuse.bodyBytes))?["error"] == "invalid_grant")

        let revoked = await world.send(.post, "/revoke", form: [("token", newAccess), ("client_id", clientId)])
        #expect(revoked.status.code == 200)
        let outcome = await world.endpoints.bearer.authenticate(world.mcpRequest(authorization: "Bearer " + newAccess))
        guard case .refused(let response, let error) = outcome else {
            Issue.record("a revoked token was accepted")
            return
        }
        #expect(response.status.code == 401 && error.code == "invalid_token")
        let challenge = try #require(response.headers["WWW-Authenticate"])
        #expect(challenge.contains(#"resource_metadata="\#(Fixture.issuer)/.well-known/oauth-protected-resource/mcp""#))
        #expect(challenge.contains(#"error="invalid_token""#) && challenge.contains(#"scope="read""#))
        let seen = [refresh, newAccess, newRefresh, tokens["access_token"]?.stringValue ?? ""]
        try LogScan.expectClean(world.logs.all, of: seen)
    }

    @Test func theBearerCheckRefusesQueryTokensOtherAudiencesAndMissingScopes() async throws {
        let world = try await OAuthWorld()
        let (_, tokens, _) = try await world.signIn()
        let access = try #require(tokens["access_token"]?.stringValue)
        let bearer = world.endpoints.bearer
        let cases: [(HTTPRequest, [String], Int, String?)] = [
            (world.mcpRequest("/mcp?access_token=" + access, authorization: nil), [], 400, "invalid_request"),
            (world.mcpRequest("/mcp", authorization: nil), [], 401, nil),
            (world.mcpRequest("/mcp", authorization: "Basic " + access), [], 400, "invalid_request"),
            (world.mcpRequest("/mcp", authorization: "Bearer " + access + "x"), [], 401, "invalid_token"),
            (world.mcpRequest("/sse", authorization: "Bearer " + access), [], 401, "invalid_token"),
            (world.mcpRequest("/messages?sessionId=1", authorization: "Bearer " + access), [], 401, "invalid_token"),
            (world.mcpRequest("/mcp", authorization: "Bearer " + access), ["trade"], 403, "insufficient_scope"),
        ]
        for (request, scopes, status, code) in cases {
            guard case .refused(let response, _) = await bearer.authenticate(request, requiredScopes: scopes) else {
                Issue.record("accepted \(request.head.target)")
                continue
            }
            #expect(response.status.code == status)
            let challenge = response.headers["WWW-Authenticate"] ?? ""
            #expect(challenge.hasPrefix("Bearer ") && challenge.contains("resource_metadata="))
            if let code {
                #expect(challenge.contains(#"error="\#(code)""#))
            } else {
                #expect(!challenge.contains("error="))
            }
            if status == 403 { #expect(challenge.contains(#"scope="read trade""#)) }
        }
        guard case .authorized = await bearer.authenticate(world.mcpRequest("/mcp/", authorization: "Bearer " + access))
        else {
            Issue.record("refused its own audience")
            return
        }
        world.clock.advance(world.settings.accessTokenLifetime)
        guard
            case .refused(let expired, _) = await bearer.authenticate(
                world.mcpRequest(authorization: "Bearer " + access))
        else {
            Issue.record("accepted an expired token")
            return
        }
        #expect(expired.status.code == 401)
    }

    @Test func discoveryDocumentsAgreeOnTheIssuer() async throws {
        let world = try await OAuthWorld()
        let server = try JSONValue.parse(await world.send(.get, "/.well-known/oauth-authorization-server").bodyBytes)
        for path in ["", "/mcp", "/sse"] {
            let prm = try JSONValue.parse(
                await world.send(.get, "/.well-known/oauth-protected-resource" + path).bodyBytes)
            #expect(prm["authorization_servers"]?[0] == server["issuer"])
        }
        #expect(await world.send(.get, "/.well-known/oauth-protected-resource/admin").status.code == 404)
    }

    @Test func theAuthEndpointsAreRateLimitedPerAddress() async throws {
        let world = try await OAuthWorld(rateLimit: RateLimiter(capacity: 2, perMinute: 1))
        #expect(await world.send(.post, "/register", json: "{}").status.code == 400)
        #expect(await world.send(.post, "/register", json: "{}").status.code == 400)
        let limited = await world.send(.post, "/register", json: "{}")
        #expect(limited.status.code == 429 && limited.headers["Retry-After"] != nil)
        #expect((try? JSONValue.parse(limited.bodyBytes))?["request_id"]?.stringValue?.isEmpty == false)
        #expect(await world.send(.post, "/register", json: "{}", peer: "10.0.0.2").status.code == 400)
    }

    @Test func badTokenRequestsGetJSONErrorsWithARequestId() async throws {
        let world = try await OAuthWorld()
        let clientId = try await world.register()
        let cases: [([(String, String)], String, Int)] = [
            ([("grant_type", "password"), ("client_id", clientId)], "unsupported_grant_type", 400),
            ([("grant_type", "authorization_code"), ("client_id", clientId)], "invalid_request", 400),
            ([("grant_type", "authorization_code"), ("client_id", clientId), ("code", "nope")], "invalid_grant", 400),
            (
                [("grant_type", "authorization_code"), ("client_id", "mcp_unknown"), ("code", "x")], "invalid_client",
                401
            ),
            ([("grant_type", "authorization_code"), ("code", "x")], "invalid_client", 401),
        ]
        for (form, code, status) in cases {
            let response = await world.send(.post, "/token", form: form, headers: [("X-Request-Id", "req-42")])
            #expect(response.status.code == status)
            let json = try JSONValue.parse(response.bodyBytes)
            #expect(json["error"]?.stringValue == code && json["request_id"] == "req-42")
            #expect(response.headers["Cache-Control"] == "no-store")
        }
        let notForm = await world.send(.post, "/token", json: "{}")
        #expect(notForm.status.code == 400)
    }
}

/// The secret scan over captured log lines.
enum LogScan {
    static func expectClean(_ lines: [String], of secrets: [String]) throws {
        #expect(!lines.isEmpty)
        for secret in secrets where secret.count >= 8 {
            for line in lines where line.contains(secret) {
                Issue.record("a secret reached a log line: \(line)")
            }
        }
        for fixed in [Fixture.cookieSecret, "sandbox-secret-value"] {
            #expect(!lines.contains { $0.contains(fixed) })
        }
    }
}

/// The Schwab state is signed and carries the request, but the PKCE verifier only sealed.
@Suite(.serialized, .realWorld) struct SchwabStateContentTests {
    @Test func theStateCarriesTheRequestButNotTheVerifierInClear() async throws {
        let world = try await OAuthWorld()
        let clientId = try await world.register()
        let page = await world.send(
            .get, world.authorizeTarget(clientId: clientId, challenge: PKCE.challengeFor(verifier: PKCE.makeVerifier()))
        )
        let html = String(decoding: page.bodyBytes, as: UTF8.self)
        let approved = await world.send(
            .post, "/authorize",
            form: [
                ("request", OAuthWorld.hidden("request", in: html) ?? ""),
                ("csrf_token", OAuthWorld.hidden("csrf_token", in: html) ?? ""), ("action", "approve"),
            ])
        let location = try #require(approved.headers["Location"])
        let query = QueryParameters(parsing: location.split(separator: "?", maxSplits: 1)[1])
        let state = try #require(query.first("state"))
        let payload = try JSONValue.parse(try #require(Base64URL.decode(String(state.split(separator: ".")[0]))))
        #expect(payload["client_id"]?.stringValue == clientId)
        #expect(payload["code_verifier"] == nil && payload["code_verifier_sealed"] != nil)
        // The challenge sent to Schwab is S256 of a verifier that appears nowhere in the URL.
        #expect(query.first("code_challenge_method") == "S256")
        #expect(query.first("code_challenge")?.count == 43)
    }
}
