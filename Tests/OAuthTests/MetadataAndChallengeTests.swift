import EdgeCore
import EdgeHTTP
import EdgeNet
import SchwabAuth
import Testing

@testable import OAuth

@Suite struct MetadataAndChallengeTests {
    let settings = Fixture.settings(issuer: "https://mcp.example/")

    @Test func theIssuerIsIdenticalEverywhere() throws {
        let server = ServerMetadata.authorizationServer(settings)
        #expect(server["issuer"]?.stringValue == "https://mcp.example")
        for path in ["", "/mcp", "/sse"] {
            let prm = try #require(ServerMetadata.protectedResource(settings, path: path))
            #expect(prm["authorization_servers"]?[0]?.stringValue == server["issuer"]?.stringValue)
            #expect(prm["resource"]?.stringValue == "https://mcp.example" + path)
        }
        #expect(server["authorization_endpoint"]?.stringValue == "https://mcp.example/authorize")
    }

    @Test func theServerMetadataAdvertisesS256RegistrationAndDocuments() {
        let server = ServerMetadata.authorizationServer(settings)
        #expect(server["code_challenge_methods_supported"] == ["S256"])
        #expect(server["response_types_supported"] == ["code"])
        #expect(server["grant_types_supported"] == ["authorization_code", "refresh_token"])
        #expect(server["registration_endpoint"]?.stringValue == "https://mcp.example/register")
        #expect(server["client_id_metadata_document_supported"] == true)
        #expect(server["authorization_response_iss_parameter_supported"] == true)
        #expect(server["scopes_supported"]?.arrayValue?.contains("offline_access") == false)
    }

    @Test func anUnknownResourcePathHasNoDocument() {
        #expect(ServerMetadata.protectedResource(settings, path: "/admin") == nil)
    }

    @Test func theChallengeNamesTheResourceMetadataAndScope() {
        let challenge = BearerChallenge(
            resourceMetadata: ServerMetadata.protectedResourceURL(settings, forPath: "/mcp"), scopes: ["read"])
        #expect(
            challenge.headerValue
                == #"Bearer resource_metadata="https://mcp.example/.well-known/oauth-protected-resource/mcp", scope="read""#
        )
        let scoped = BearerChallenge(
            resourceMetadata: "https://x/", scopes: ["read", "trade"], error: "insufficient_scope",
            errorDescription: #"needs "trade" \ now"#)
        #expect(
            scoped.headerValue.hasPrefix(
                #"Bearer error="insufficient_scope", error_description="needs \"trade\" \\ now""#))
        #expect(scoped.headerValue.hasSuffix(#"scope="read trade""#))
    }

    @Test(arguments: [
        ("https://mcp.example/mcp", "https://mcp.example/mcp"),
        ("https://mcp.example/mcp/", "https://mcp.example/mcp"),
        ("https://mcp.example", "https://mcp.example"),
        ("https://mcp.example/", "https://mcp.example"),
    ])
    func resourcesAreCanonicalized(given: String, canonical: String) throws {
        #expect(try settings.canonicalResource(given) == canonical)
    }

    @Test(arguments: [
        "https://other.example/mcp", "https://mcp.example.evil/mcp", "https://mcp.example/mcpx",
        "http://mcp.example/mcp",
    ])
    func otherAudiencesAreInvalidTargets(given: String) {
        #expect { _ = try settings.canonicalResource(given) } throws: { ($0 as? AuthError)?.code == "invalid_target" }
    }
}

@Suite struct RateLimiterTests {
    @Test func aBurstIsAllowedThenRefusedWithARetryAfter() {
        var limiter = RateLimiter(capacity: 3, perMinute: 60)
        for _ in 0..<3 { #expect(limiter.take("1.2.3.4", now: 100) == .allowed) }
        #expect(limiter.take("1.2.3.4", now: 100) == .limited(retryAfter: 1))
        #expect(limiter.take("5.6.7.8", now: 100) == .allowed)
        #expect(limiter.take("1.2.3.4", now: 101) == .allowed)
        #expect(limiter.take("1.2.3.4", now: 101) == .limited(retryAfter: 1))
    }

    @Test func slowRefillGivesALongerRetryAfter() {
        var limiter = RateLimiter(capacity: 1, perMinute: 2)
        #expect(limiter.take("ip", now: 0) == .allowed)
        #expect(limiter.take("ip", now: 0) == .limited(retryAfter: 30))
        #expect(limiter.take("ip", now: 30) == .allowed)
    }

    @Test func idleAddressesAreForgotten() {
        var limiter = RateLimiter(capacity: 2, perMinute: 60)
        for index in 0..<100 { _ = limiter.take("ip\(index)", now: 0) }
        #expect(limiter.trackedKeys == 100)
        _ = limiter.take("late", now: 120)
        #expect(limiter.trackedKeys == 1)
    }
}

@Suite struct ErrorMappingTests {
    @Test(arguments: [
        (401, "invalid_token", 401), (403, "insufficient_scope", 403), (429, "rate_limited", 429),
        (500, "server_error", 502), (503, "server_error", 502), (418, "server_error", 502),
    ])
    func upstreamStatusesMapAsTheSeedSays(status: Int, code: String, ours: Int) {
        let error = UpstreamErrorMapping.map(status: status, correlationId: "corr-1", what: "a call")
        #expect(error.code == code && error.status == ours && error.upstreamCorrelationId == "corr-1")
    }

    @Test func aTransportFailureIsANetworkError() {
        let error = UpstreamErrorMapping.map(.init(.connect, "refused"), what: "a call")
        #expect(error.code == "network_error")
    }

    @Test func theSeedKindsCarryCodeStatusMessageAndRequestId() {
        let kinds: [(AuthError.Kind, String, Int)] = [
            (.missingClientId, "MissingClientId", 400), (.stateValidation, "StateValidation", 400),
            (.codeExchange, "CodeExchange", 502), (.tokenRefresh, "TokenRefresh", 401),
        ]
        for (kind, name, status) in kinds {
            let error = AuthError(kind, "do this", requestId: "req-9")
            #expect(error.kind.name == name && error.status == status)
            let body = error.jsonResponse
            #expect(body.status.code == status && body.headers["X-Request-Id"] == "req-9")
            let json = try? JSONValue.parse(body.bodyBytes)
            #expect(json?["request_id"]?.stringValue == "req-9" && json?["error_description"]?.stringValue == "do this")
            #expect(String(decoding: error.htmlResponse.bodyBytes, as: UTF8.self).contains("req-9"))
        }
    }

    @Test func errorPagesEscapeWhatTheyShow() {
        let page = HTMLPage.error(AuthError(.invalidRequest, "<script>x</script>", requestId: "r"))
        #expect(!page.contains("<script>x") && page.contains("&lt;script&gt;"))
    }
}

extension HTTPResponse {
    var bodyBytes: [UInt8] {
        if case .bytes(let bytes) = body { return bytes }
        return []
    }
}
