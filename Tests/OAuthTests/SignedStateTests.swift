import EdgeCore
import EdgeCrypto
import Testing

@testable import OAuth
@testable import SchwabAuth

@Suite struct SignedStateTests {
    let key = try! Fixture.keys().state
    let now: Int64 = 1_800_000_000

    func sealed() -> String {
        SignedEnvelope.seal(
            [("client_id", "c"), ("code_verifier", "v")], purpose: "schwab-state", key: key, now: now, lifetime: 600)
    }

    @Test func aFreshStateOpensWithItsFields() throws {
        let payload = try SignedEnvelope.open(sealed(), purpose: "schwab-state", key: key, now: now + 599)
        #expect(payload["client_id"]?.stringValue == "c")
        #expect(payload["code_verifier"]?.stringValue == "v")
    }

    @Test func aStateExpiresAfterTenMinutes() {
        #expect {
            _ = try SignedEnvelope.open(sealed(), purpose: "schwab-state", key: key, now: now + 600)
        } throws: {
            ($0 as? AuthError)?.kind == .stateValidation && ($0 as? AuthError)?.message.contains("expired") == true
        }
    }

    /// Flip every character of the token in turn: none of the changes may pass.
    @Test func everySingleCharacterTamperingIsRefused() {
        let token = Array(sealed())
        for index in token.indices where token[index] != "." {
            var copy = token
            copy[index] = copy[index] == "A" ? "B" : "A"
            #expect(throws: AuthError.self) {
                _ = try SignedEnvelope.open(String(copy), purpose: "schwab-state", key: key, now: now)
            }
        }
    }

    @Test func aPayloadReSignedWithAnotherKeyOrPurposeIsRefused() throws {
        let other = try OAuthKeys(cookieEncryptionKey: String(repeating: "z", count: 40)).state
        let forged = SignedEnvelope.seal(
            [("client_id", "c")], purpose: "schwab-state", key: other, now: now, lifetime: 600)
        #expect(throws: AuthError.self) {
            _ = try SignedEnvelope.open(forged, purpose: "schwab-state", key: key, now: now)
        }
        let approval = SignedEnvelope.seal([("client_id", "c")], purpose: "approval", key: key, now: now, lifetime: 600)
        #expect(throws: AuthError.self) {
            _ = try SignedEnvelope.open(approval, purpose: "schwab-state", key: key, now: now)
        }
    }

    @Test func anAlteredPayloadWithTheOldSignatureIsRefused() throws {
        let parts = sealed().split(separator: ".")
        let body = Base64URL.encode(Array(#"{"client_id":"evil","exp":9999999999}"#.utf8))
        #expect(throws: AuthError.self) {
            _ = try SignedEnvelope.open(body + "." + parts[1], purpose: "schwab-state", key: key, now: now)
        }
    }

    @Test(arguments: ["", ".", "abc", "a.b.c", "!!!.###"])
    func malformedStatesAreRefused(text: String) {
        #expect(throws: AuthError.self) {
            _ = try SignedEnvelope.open(text, purpose: "schwab-state", key: key, now: now)
        }
    }

    @Test func keysDifferPerPurposeAndAShortSecretIsRefused() throws {
        let keys = try Fixture.keys()
        #expect(Set([keys.cookie, keys.state, keys.csrf, keys.verifier, keys.tokens.bytes]).count == 5)
        #expect(throws: AuthError.self) { _ = try OAuthKeys(cookieEncryptionKey: "short") }
    }
}

@Suite struct ApprovalCookieTests {
    let key = try! Fixture.keys().cookie
    let now: Int64 = 1_800_000_000

    @Test func anApprovalRoundTripsAndNamesOnlyItsClients() throws {
        var cookie = ApprovalCookie()
        cookie.approve("a")
        cookie.approve("b")
        let value = try cookie.seal(key: key, secure: true, now: now, lifetime: 100)
        let opened = try #require(ApprovalCookie.open(value, key: key, secure: true, now: now + 99))
        #expect(opened.approves("a") && opened.approves("b") && !opened.approves("c"))
        #expect(!value.contains("\"a\""))
    }

    @Test func aTamperedCookieReadsAsNoApproval() throws {
        var cookie = ApprovalCookie()
        cookie.approve("client")
        let value = Array(try cookie.seal(key: key, secure: false, now: now, lifetime: 100))
        for index in value.indices {
            var copy = value
            copy[index] = copy[index] == "A" ? "B" : "A"
            #expect(ApprovalCookie.open(String(copy), key: key, secure: false, now: now) == nil)
        }
        #expect(ApprovalCookie.open("", key: key, secure: false, now: now) == nil)
        #expect(ApprovalCookie.open("%%%", key: key, secure: false, now: now) == nil)
    }

    @Test func anExpiredOrRenamedCookieReadsAsNoApproval() throws {
        let value = try ApprovalCookie(clientIds: ["c"]).seal(key: key, secure: false, now: now, lifetime: 100)
        #expect(ApprovalCookie.open(value, key: key, secure: false, now: now + 100) == nil)
        #expect(ApprovalCookie.open(value, key: key, secure: true, now: now) == nil)
    }

    @Test func theSetCookieIsHttpOnlySameSiteAndSecureOverHTTPS() throws {
        let secure = try ApprovalCookie(clientIds: ["c"]).setCookie(key: key, secure: true, now: now, lifetime: 60)
        #expect(secure.headerValue.hasPrefix("__Host-mcp-approved="))
        for attribute in ["HttpOnly", "Secure", "SameSite=Lax", "Path=/", "Max-Age=60"] {
            #expect(secure.headerValue.contains(attribute))
        }
        let plain = try ApprovalCookie(clientIds: ["c"]).setCookie(key: key, secure: false, now: now, lifetime: 60)
        #expect(plain.headerValue.contains("HttpOnly") && !plain.headerValue.contains("Secure"))
    }

    @Test func onlyTheNewestClientsAreKept() {
        var cookie = ApprovalCookie()
        for index in 0..<(ApprovalCookie.maximumClients + 5) { cookie.approve("c\(index)") }
        #expect(cookie.clientIds.count == ApprovalCookie.maximumClients)
        #expect(!cookie.approves("c0") && cookie.approves("c\(ApprovalCookie.maximumClients + 4)"))
    }
}

@Suite struct CSRFTokenTests {
    let key = try! Fixture.keys().csrf

    @Test func theFieldMatchesOnlyItsCookieAndItsRequest() {
        let cookie = CSRFToken.makeCookieValue()
        let field = CSRFToken.formValue(cookieValue: cookie, signedRequest: "req1", key: key)
        #expect(CSRFToken.isValid(formValue: field, cookieValue: cookie, signedRequest: "req1", key: key))
        #expect(
            !CSRFToken.isValid(
                formValue: field, cookieValue: CSRFToken.makeCookieValue(), signedRequest: "req1", key: key))
        #expect(!CSRFToken.isValid(formValue: field, cookieValue: cookie, signedRequest: "req2", key: key))
        #expect(!CSRFToken.isValid(formValue: field, cookieValue: nil, signedRequest: "req1", key: key))
        #expect(!CSRFToken.isValid(formValue: nil, cookieValue: cookie, signedRequest: "req1", key: key))
        #expect(!CSRFToken.isValid(formValue: "garbage", cookieValue: cookie, signedRequest: "req1", key: key))
    }
}
