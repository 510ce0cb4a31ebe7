import EdgeCore
import SchwabAuth
import Testing

@testable import OAuth

@Suite struct ClientRegistrationTests {
    @Test func aPublicClientRegistersWithoutASecret() throws {
        let body =
            #"{"client_name":"Claude","redirect_uris":["http://127.0.0.1:9/cb"],"token_endpoint_auth_method":"none","grant_types":["authorization_code","refresh_token"]}"#
        let outcome = try ClientRegistration.register(body: Array(body.utf8), now: 1000, idleLifetime: 60)
        #expect(outcome.client.clientName == "Claude")
        #expect(outcome.client.redirectURIs == ["http://127.0.0.1:9/cb"])
        #expect(outcome.client.secretHash == nil)
        #expect(outcome.response["client_id"]?.stringValue == outcome.client.clientId)
        #expect(outcome.response["client_secret"] == nil)
        try outcome.client.authenticate(secret: nil)
    }

    @Test func aConfidentialClientGetsASecretStoredOnlyAsAHash() throws {
        let body = #"{"redirect_uris":["https://app.example/cb"],"token_endpoint_auth_method":"client_secret_post"}"#
        let outcome = try ClientRegistration.register(body: Array(body.utf8), now: 1000, idleLifetime: 60)
        let secret = try #require(outcome.response["client_secret"]?.stringValue)
        #expect(outcome.client.secretHash != nil)
        #expect(!outcome.client.json.jsonText.contains(secret))
        try outcome.client.authenticate(secret: secret)
        #expect(throws: AuthError.self) { try outcome.client.authenticate(secret: secret + "x") }
        #expect(throws: AuthError.self) { try outcome.client.authenticate(secret: nil) }
    }

    @Test func twoRegistrationsGetDifferentIds() throws {
        let body = Array(#"{"redirect_uris":["https://app.example/cb"],"token_endpoint_auth_method":"none"}"#.utf8)
        let a = try ClientRegistration.register(body: body, now: 1, idleLifetime: 60)
        let b = try ClientRegistration.register(body: body, now: 1, idleLifetime: 60)
        #expect(a.client.clientId != b.client.clientId)
    }

    @Test(arguments: [
        ("not json", "invalid_client_metadata"),
        ("[]", "invalid_client_metadata"),
        (#"{"client_name":"x"}"#, "invalid_redirect_uri"),
        (#"{"redirect_uris":[]}"#, "invalid_redirect_uri"),
        (#"{"redirect_uris":[42]}"#, "invalid_redirect_uri"),
        (#"{"redirect_uris":["http://evil.example/cb"]}"#, "invalid_redirect_uri"),
        (#"{"redirect_uris":["https://a.example/cb#x"]}"#, "invalid_redirect_uri"),
        (
            #"{"redirect_uris":["https://a.example/cb"],"grant_types":["client_credentials"]}"#,
            "invalid_client_metadata"
        ),
        (#"{"redirect_uris":["https://a.example/cb"],"response_types":["token"]}"#, "invalid_client_metadata"),
        (
            #"{"redirect_uris":["https://a.example/cb"],"token_endpoint_auth_method":"private_key_jwt"}"#,
            "invalid_client_metadata"
        ),
    ])
    func badMetadataIsRefusedWithTheRFC7591Code(body: String, code: String) {
        #expect {
            _ = try ClientRegistration.register(body: Array(body.utf8), now: 1, idleLifetime: 60)
        } throws: { error in
            (error as? AuthError)?.code == code && (error as? AuthError)?.status == 400
        }
    }

    @Test func anOversizedBodyIsRefused() {
        let body = [UInt8](repeating: 0x20, count: ClientRegistration.maximumBodyBytes + 1)
        #expect(throws: AuthError.self) { _ = try ClientRegistration.register(body: body, now: 1, idleLifetime: 60) }
    }

    @Test func storedClientsRoundTrip() throws {
        let body = Array(#"{"client_name":"n","redirect_uris":["https://a.example/cb"]}"#.utf8)
        let client = try ClientRegistration.register(body: body, now: 5, idleLifetime: 60).client
        #expect(RegisteredClient(json: client.json) == client)
    }

    @Test(arguments: [
        ("https://client.example/meta.json", true),
        ("https://client.example/", false),
        ("https://client.example", false),
        ("http://client.example/meta.json", false),
        ("https://client.example/a/../meta.json", false),
        ("https://u@client.example/meta.json", false),
        ("https://client.example/meta.json#x", false),
        ("mcp_abc", false),
    ])
    func clientMetadataDocumentURLsAreHTTPSWithAPath(id: String, expected: Bool) {
        #expect(ClientMetadataDocument.isDocumentURL(id) == expected)
    }

    @Test func aMetadataDocumentMustNameItselfAndListSafeRedirects() throws {
        let id = "https://client.example/meta.json"
        let good =
            #"{"client_id":"https://client.example/meta.json","client_name":"C","redirect_uris":["http://127.0.0.1:3/cb"]}"#
        let client = try ClientMetadataDocument.client(from: Array(good.utf8), clientId: id, now: 1)
        #expect(client.clientName == "C" && client.redirectURIs == ["http://127.0.0.1:3/cb"])
        for bad in [
            #"{"client_id":"https://other.example/meta.json","redirect_uris":["http://127.0.0.1:3/cb"]}"#,
            #"{"client_id":"https://client.example/meta.json","redirect_uris":["http://evil.example/cb"]}"#,
            #"{"client_id":"https://client.example/meta.json"}"#,
            #"{"client_id":"https://client.example/meta.json","redirect_uris":["https://a.example/cb"],"token_endpoint_auth_method":"client_secret_post"}"#,
            "nope",
        ] {
            #expect(throws: AuthError.self) {
                _ = try ClientMetadataDocument.client(from: Array(bad.utf8), clientId: id, now: 1)
            }
        }
    }
}
