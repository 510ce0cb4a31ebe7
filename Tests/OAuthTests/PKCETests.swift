import SchwabAuth
import Testing

@testable import OAuth

@Suite struct PKCETests {
    // The challenge was computed independently with Python: base64url(hashlib.sha256(verifier)).
    static let verifier = "dBjftJeZ4CVP-mJ92K9zcY9LmUgwxOVt8NP_LiDh-uk"
    static let challenge = "ceQ7C-Agnl_kH-or8mnx9n_OnG-PblBKHIsQeLHRxN0"

    @Test func theS256TransformMatchesAnIndependentComputation() {
        #expect(PKCE.challengeFor(verifier: Self.verifier) == Self.challenge)
    }

    @Test func theRightVerifierPasses() throws {
        try PKCE.verify(verifier: Self.verifier, challenge: Self.challenge)
    }

    @Test(
        arguments: [
            (nil, "code_verifier is required"),
            ("dBjftJeZ4CVP-mJ92K9zcY9LmUgwxOVt8NP_LiDh-uX", "does not match"),
            ("short", "43-128"),
            (String(repeating: "a", count: 129), "43-128"),
            ("dBjftJeZ4CVP-mJ92K9zcY9LmUgwxOVt8NP_LiDh-u!", "43-128"),
        ] as [(String?, String)])
    func aWrongOrMalformedVerifierIsAnInvalidGrant(verifier: String?, fragment: String) {
        #expect {
            try PKCE.verify(verifier: verifier, challenge: Self.challenge)
        } throws: { error in
            let auth = error as? AuthError
            return auth?.kind == .invalidGrant && auth?.message.contains(fragment) == true
        }
    }

    @Test(arguments: [
        (Self.challenge as String?, "plain" as String?, "S256"),
        (Self.challenge, nil, "S256"),
        (Self.challenge, "s256", "S256"),
        (nil, "S256", "required"),
        ("", "S256", "required"),
        ("tooshort", "S256", "43-character"),
        (Self.challenge + "A", "S256", "43-character"),
        (String(repeating: "*", count: 43), "S256", "43-character"),
    ])
    func plainOrMissingOrMalformedChallengesAreRefused(challenge: String?, method: String?, fragment: String) {
        #expect {
            try PKCE.validateChallenge(challenge, method: method)
        } throws: { error in
            let auth = error as? AuthError
            return auth?.kind == .invalidRequest && auth?.message.contains(fragment) == true
        }
    }

    @Test func aFreshVerifierIsWellFormedAndItsChallengeValidates() throws {
        let verifier = PKCE.makeVerifier()
        #expect(PKCE.isWellFormedVerifier(verifier))
        try PKCE.validateChallenge(PKCE.challengeFor(verifier: verifier), method: "S256")
        #expect(PKCE.makeVerifier() != verifier)
    }
}
