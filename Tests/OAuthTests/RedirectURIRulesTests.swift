import SchwabAuth
import Testing

@testable import OAuth

@Suite struct RedirectURIRulesTests {
    @Test(arguments: [
        "https://client.example/cb",
        "https://client.example:8443/oauth/callback?x=1",
        "http://127.0.0.1:9/cb",
        "http://127.0.0.1/cb",
        "http://localhost:33418/callback",
        "http://[::1]:5000/cb",
    ])
    func acceptableRedirectURIsPass(uri: String) throws {
        try RedirectURIRules.validate(uri)
    }

    @Test(arguments: [
        ("http://client.example/cb", "non-loopback"),
        ("http://127.0.0.1.evil.example/cb", "non-loopback"),
        ("http://localhost.evil.example/cb", "non-loopback"),
        ("https://client.example/cb#frag", "fragment"),
        ("https://user:pw@client.example/cb", "user info"),
        ("https://good.example@evil.example/cb", "user info"),
        ("javascript:alert(1)", "absolute URL"),
        ("custom-app:/cb", "absolute URL"),
        ("ftp://client.example/cb", "must use https"),
        ("/relative/cb", "absolute URL"),
        ("", "absolute URL"),
        ("https://client.example/c b", "absolute URL"),
    ])
    func unsafeRedirectURIsAreRefusedWithAReason(uri: String, fragment: String) {
        #expect {
            try RedirectURIRules.validate(uri)
        } throws: { error in
            let auth = error as? AuthError
            return auth?.kind == .invalidRedirectURI && auth?.message.contains(fragment) == true
        }
    }

    @Test(arguments: [
        ("https://client.example/cb", true),
        ("http://127.0.0.1:50123/cb", true),  // loopback: any port (RFC 8252 §7.3)
        ("http://127.0.0.1:50123/other", false),
        ("http://localhost:9/cb", false),  // another loopback host name is another URI
        ("http://evil.example@127.0.0.1:9/cb", false),  // user info is never part of a match
        ("https://client.example/cb/", false),
        ("https://client.example/cb?next=https://evil.example", false),
        ("https://evil.example/cb", false),
        ("https://client.example:444/cb", false),
        ("HTTPS://client.example/cb", false),
    ])
    func matchingIsExactExceptForTheLoopbackPort(requested: String, expected: Bool) {
        let registered = ["https://client.example/cb", "http://127.0.0.1:9/cb"]
        #expect(RedirectURIRules.matches(requested, registered: registered) == expected)
    }

    @Test func theDisplayHostNamesWhereTheCodeGoes() {
        #expect(RedirectURIRules.displayHost("https://client.example/cb") == "client.example")
        #expect(RedirectURIRules.displayHost("http://127.0.0.1:9/cb") == "127.0.0.1:9")
    }
}
