import EdgeHTTP
import Testing

@testable import OAuth

@Suite struct AuthorizeRequestTests {
    let settings = Fixture.settings()

    @Test func aCompleteRequestValidates() throws {
        let result = AuthorizeRequest.validate(Fixture.authorizeQuery(), client: Fixture.client, settings: settings)
        let request = try result.get()
        #expect(request.clientId == "mcp_client1")
        #expect(request.redirectURI == "http://127.0.0.1:9/cb")
        #expect(request.resource == Fixture.issuer + "/mcp")
        #expect(request.scopes == ["read"])
        #expect(request.state == "client-state")
    }

    @Test func aMissingResourceBindsToTheWholeServerAndAMissingScopeToTheDefault() throws {
        let request = try AuthorizeRequest.validate(
            Fixture.authorizeQuery(["resource": nil, "scope": nil]), client: Fixture.client, settings: settings
        ).get()
        #expect(request.resource == Fixture.issuer)
        #expect(request.scopes == ["read"])
    }

    @Test func aLoopbackRedirectOnAnotherPortIsAccepted() throws {
        let request = try AuthorizeRequest.validate(
            Fixture.authorizeQuery(["redirect_uri": "http://127.0.0.1:51234/cb"]), client: Fixture.client,
            settings: settings
        ).get()
        #expect(request.redirectURI == "http://127.0.0.1:51234/cb")
    }

    /// Refusals that must never redirect: the redirect URI is not known to be the client's.
    @Test(
        arguments: [
            (["client_id": nil], "MissingClientId"),
            (["client_id": "mcp_other"], "MissingClientId"),
            (["redirect_uri": "https://evil.example/cb"], "InvalidRequest"),
            (["redirect_uri": "http://127.0.0.1:9/cb/../evil"], "InvalidRequest"),
            (["redirect_uri": "http://127.0.0.1:9/cb#x"], "InvalidRequest"),
            (["redirect_uri": "http://127.0.0.1:9/cb?next=https://evil.example"], "InvalidRequest"),
            (["redirect_uri": "//evil.example/cb"], "InvalidRequest"),
        ] as [([String: String?], String)])
    func openRedirectAttemptsGetAPageNotARedirect(overrides: [String: String?], kind: String) {
        let result = AuthorizeRequest.validate(
            Fixture.authorizeQuery(overrides), client: Fixture.client, settings: settings)
        guard case .failure(.page(let error)) = result else {
            Issue.record("expected an error page, got \(result)")
            return
        }
        #expect(error.kind.name == kind)
    }

    @Test func anUnknownClientIsRefusedEvenWithoutAClientRecord() {
        let result = AuthorizeRequest.validate(Fixture.authorizeQuery(), client: nil, settings: settings)
        guard case .failure(.page(let error)) = result else {
            Issue.record("expected a page")
            return
        }
        #expect(error.kind == .missingClientId)
    }

    /// Refusals after the redirect URI is trusted go back to the client with `error` and `state`.
    @Test(
        arguments: [
            (["code_challenge_method": "plain"], "invalid_request"),
            (["code_challenge": nil], "invalid_request"),
            (["response_type": "token"], "invalid_request"),
            (["resource": "https://other.example/mcp"], "invalid_target"),
            (["resource": Fixture.issuer + "/admin"], "invalid_target"),
            (["scope": "read admin"], "invalid_scope"),
        ] as [([String: String?], String)])
    func protocolErrorsRedirectBackWithTheCode(overrides: [String: String?], code: String) {
        let result = AuthorizeRequest.validate(
            Fixture.authorizeQuery(overrides), client: Fixture.client, settings: settings)
        guard case .failure(.redirect(let error, let uri, let state)) = result else {
            Issue.record("expected a redirect, got \(result)")
            return
        }
        #expect(error.code == code)
        #expect(uri == "http://127.0.0.1:9/cb")
        #expect(state == "client-state")
    }

    @Test func aRepeatedParameterIsRefused() {
        var query = Fixture.authorizeQuery()
        query.append("redirect_uri", "https://evil.example/cb")
        guard
            case .failure(.page(let error)) = AuthorizeRequest.validate(
                query, client: Fixture.client, settings: settings)
        else {
            Issue.record("expected a page")
            return
        }
        #expect(error.message.contains("more than once"))
    }

    @Test func theRedirectBackCarriesStateAndIssuer() {
        let url = AuthorizeRequest.redirectBack(
            to: "http://127.0.0.1:9/cb?x=1", [("code", "abc")], state: "s t", issuer: Fixture.issuer)
        #expect(url.hasPrefix("http://127.0.0.1:9/cb?x=1&code=abc&state=s"))
        let query = QueryParameters(parsing: url.split(separator: "?", maxSplits: 1)[1])
        #expect(query.first("state") == "s t")
        #expect(query.first("iss") == Fixture.issuer)
    }

    @Test func theSignedPayloadRoundTrips() throws {
        let request = try AuthorizeRequest.validate(
            Fixture.authorizeQuery(), client: Fixture.client, settings: settings
        )
        .get()
        #expect(AuthorizeRequest(payload: .object(request.fields)) == request)
    }
}
