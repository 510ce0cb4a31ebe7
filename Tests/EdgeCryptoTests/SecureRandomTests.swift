import EdgeCrypto
import Testing

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
