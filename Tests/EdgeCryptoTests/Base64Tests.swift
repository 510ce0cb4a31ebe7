import EdgeCrypto
import Testing

@Suite("Base64 and base64url (RFC 4648)")
struct Base64Tests {
    /// RFC 4648 §10 test vectors, in both alphabets (they agree on these inputs).
    static let rfcVectors: [(plain: String, encoded: String)] = [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ]

    @Test("RFC 4648 §10 vectors", arguments: rfcVectors)
    func rfcVector(plain: String, encoded: String) {
        #expect(Base64.encode(Array(plain.utf8)) == encoded)
        #expect(Base64.decode(encoded) == Array(plain.utf8))
        let unpadded = String(encoded.prefix { $0 != "=" })
        #expect(Base64URL.encode(Array(plain.utf8)) == unpadded)
        #expect(Base64URL.decode(unpadded) == Array(plain.utf8))
        #expect(Base64URL.decode(encoded) == Array(plain.utf8))
    }

    @Test("the URL alphabet uses - and _ where the standard one uses + and /")
    func urlAlphabet() {
        let bytes: [UInt8] = [0xFB, 0xFF, 0xBF]
        #expect(Base64.encode(bytes) == "+/+/")
        #expect(Base64URL.encode(bytes) == "-_-_")
        #expect(Base64URL.decode("-_-_") == bytes)
        #expect(Base64URL.decode("+/+/") == nil)
        #expect(Base64.decode("-_-_") == nil)
    }

    @Test("every byte value round-trips at every length mod 3")
    func roundTrip() {
        for length in 0..<260 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            #expect(Base64URL.decode(Base64URL.encode(bytes)) == bytes)
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
        }
    }

    static let malformed: [String] = [
        "Zg=", "Z===", "Zg===", "=", "Zm9v=", "Z", "Zm9vY", "Zm 9v", "Zm9v\n", "Zm9v!", "Zh", "Zm9=", "é",
        "Zg==Zg==",
    ]

    @Test("malformed input is refused", arguments: malformed)
    func malformedRefused(text: String) {
        #expect(Base64URL.decode(text) == nil)
        #expect(Base64.decode(text) == nil)
    }

    @Test("Basic credentials encode as RFC 7617 §2 shows")
    func basicCredentials() {
        #expect(Base64.encode("Aladdin:open sesame") == "QWxhZGRpbjpvcGVuIHNlc2FtZQ==")
    }
}

@Suite("Secure random bytes and tokens")
struct SecureRandomTests {
    @Test("bytes have the requested length and differ between calls", arguments: [1, 12, 32, 1000])
    func lengthsAndFreshness(count: Int) {
        let a = SecureRandom.bytes(count)
        let b = SecureRandom.bytes(count)
        #expect(a.count == count)
        // Equal 12+ byte draws would mean a broken generator (probability 2^-96).
        if count >= 12 { #expect(a != b) }
    }

    @Test("zero and negative counts give no bytes", arguments: [0, -5])
    func emptyCounts(count: Int) {
        #expect(SecureRandom.bytes(count).isEmpty)
    }

    @Test("tokens are unpadded base64url of the requested entropy")
    func tokens() {
        let token = SecureRandom.token(byteCount: 32)
        #expect(token.count == 43)
        #expect(!token.contains("=") && !token.contains("+") && !token.contains("/"))
        #expect(Base64URL.decode(token)?.count == 32)
        #expect(Set((0..<100).map { _ in SecureRandom.token() }).count == 100)
    }

    @Test("all byte values appear in a large draw")
    func coversByteValues() {
        // 64 KiB from a uniform generator misses a given value with probability ~e^-256.
        #expect(Set(SecureRandom.bytes(65_536)).count == 256)
    }
}
