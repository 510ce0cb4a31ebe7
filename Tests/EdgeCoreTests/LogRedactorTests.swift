import EdgeCore
import Testing

@Suite("Log redaction rules")
struct LogRedactorTests {
    static let secretKeys = [
        "access_token", "refresh_token", "id_token", "authorization", "Authorization", "client_secret",
        "client-secret", "clientSecret", "code", "code_verifier", "cookie", "Cookie", "set-cookie", "Set-Cookie",
        "password", "ACCESS_TOKEN", "SCHWAB_CLIENT_SECRET", "upstream-client-secret", "cookie_encryption_key",
    ]

    @Test("a field whose key names a secret is replaced, whatever its type", arguments: secretKeys)
    func secretKeyRedacted(key: String) {
        #expect(LogRedactor.redact(key: key, value: "s3cr3t-value") == .string("[REDACTED]"))
        #expect(LogRedactor.redact(key: key, value: 12345) == .string("[REDACTED]"))
        #expect(LogRedactor.redact(key: key, value: ["nested": "x"]) == .string("[REDACTED]"))
    }

    static let harmlessKeys = [
        "user", "expires_in", "token_type_hint_count", "zipcode", "status", "path", "status_code", "client_id",
    ]

    @Test("other keys keep their value", arguments: harmlessKeys)
    func otherKeysKept(key: String) {
        #expect(LogRedactor.redact(key: key, value: "plain text") == .string("plain text"))
        #expect(LogRedactor.redact(key: key, value: 42) == .int(42))
    }

    @Test("secret keys are found at any depth, in objects and arrays")
    func nested() {
        let value: JSONValue = [
            "response": ["access_token": "aaa", "expires_in": 1800, "items": [["refresh_token": "rrr", "ok": true]]]
        ]
        let redacted = LogRedactor.redact(key: "body", value: value)
        #expect(redacted["response"]?["access_token"] == "[REDACTED]")
        #expect(redacted["response"]?["expires_in"] == 1800)
        #expect(redacted["response"]?["items"]?[0]?["refresh_token"] == "[REDACTED]")
        #expect(redacted["response"]?["items"]?[0]?["ok"] == true)
        #expect(!redacted.jsonText.contains("aaa") && !redacted.jsonText.contains("rrr"))
    }

    static let bearerTexts: [(String, String)] = [
        ("Bearer abc.def", "Bearer [REDACTED]"),
        ("sent Authorization Bearer eyJhbGciOi.eyJzdWIi.sig-_x to api", "sent Authorization Bearer [REDACTED] to api"),
        ("header=bearer   tok/en+==; next", "header=bearer   [REDACTED]; next"),
        ("two: Bearer a1 and BEARER b2", "two: Bearer [REDACTED] and BEARER [REDACTED]"),
        ("url-encoded Bearer%20abc123", "url-encoded Bearer%20[REDACTED]"),
    ]

    @Test("a Bearer token is redacted wherever it appears in text", arguments: bearerTexts)
    func bearerInText(text: String, expected: String) {
        #expect(LogRedactor.redact(text: text) == expected)
        #expect(LogRedactor.redact(key: "note", value: .string(text)) == .string(expected))
    }

    static let pairTexts: [(String, String)] = [
        (
            "GET /callback?code=AUTHCODE123&state=xyz", "GET /callback?code=[REDACTED]&state=xyz"
        ),
        (
            "POST body grant_type=refresh_token&refresh_token=RT-999&client_id=app",
            "POST body grant_type=refresh_token&refresh_token=[REDACTED]&client_id=app"
        ),
        (
            "redirect https://x/cb#access_token=AT1&token_type=bearer",
            "redirect https://x/cb#access_token=[REDACTED]&token_type=bearer"
        ),
        ("jar a=1; password=hunter2; b=2", "jar a=1; password=[REDACTED]; b=2"),
        (
            #"upstream said {"access_token":"AT-1","expires_in":1800}"#,
            #"upstream said {"access_token":"[REDACTED]","expires_in":1800}"#
        ),
        (#"{"client_secret": "CS", "code": 4711}"#, #"{"client_secret": "[REDACTED]", "code": [REDACTED]}"#),
        ("Set-Cookie: session=abc; HttpOnly", "Set-Cookie: [REDACTED]"),
        ("status=ok zipcode=12345", "status=ok zipcode=12345"),
        ("a == b and code==c", "a == b and code==c"),
    ]

    @Test("secret key=value, JSON and header pairs inside text lose their value", arguments: pairTexts)
    func pairsInText(text: String, expected: String) {
        #expect(LogRedactor.redact(text: text) == expected)
    }

    static let accountKeys = ["accountNumber", "account_number", "accountId", "account-id", "AccountNumber"]

    @Test("account numbers under account keys keep their last three digits", arguments: accountKeys)
    func accountKeyMasked(key: String) {
        #expect(LogRedactor.redact(key: key, value: "123456789") == .string("...789"))
        #expect(LogRedactor.redact(key: key, value: 987_654_321) == .string("...321"))
        #expect(LogRedactor.redact(key: key, value: ["11112222", "33334444"]) == ["...222", "...444"])
        #expect(LogRedactor.redact(key: key, value: "Individual-...789") == .string("Individual-...789"))
    }

    static let digitTexts: [(String, String)] = [
        ("order for account 123456789 filled", "order for account ...789 filled"),
        ("GET /trader/v1/accounts/12345678/orders", "GET /trader/v1/accounts/...678/orders"),
        ("short 1234567 stays", "short 1234567 stays"),
        ("id 550e8400-e29b-41d4-a716-446655440000 stays", "id 550e8400-e29b-41d4-a716-446655440000 stays"),
        ("two 11111111,22222222", "two ...111,...222"),
    ]

    @Test("long digit runs in free text keep only their last three digits", arguments: digitTexts)
    func digitRuns(text: String, expected: String) {
        #expect(LogRedactor.redact(text: text) == expected)
    }

    @Test("text without secrets is returned unchanged")
    func unchanged() {
        let text = "kv: put key=token:USR123 ttl=3600 in 2ms (café ✓)"
        #expect(LogRedactor.redact(text: "listening on 127.0.0.1:8788") == "listening on 127.0.0.1:8788")
        #expect(LogRedactor.redact(text: text) == text)
    }
}
