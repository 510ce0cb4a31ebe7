import EdgeCrypto
import Testing

@Suite("SHA-256 against FIPS 180-2 vectors")
struct SHA256Tests {
    /// FIPS 180-2 Appendix B.1, B.2, B.3, and the empty message.
    static let vectors: [(message: String, digest: String)] = [
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    ]

    @Test("published digests", arguments: vectors)
    func publishedDigest(message: String, digest: String) {
        #expect(hexString(SHA256.hash(message)) == digest)
        #expect(hexString(SHA256.hash(Array(message.utf8))) == digest)
    }

    @Test("one million 'a' (FIPS 180-2 B.3)")
    func millionA() {
        let digest = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        #expect(hexString(SHA256.hash([UInt8](repeating: 0x61, count: 1_000_000))) == digest)
        // A non-contiguous sequence goes through the copying path and must agree.
        #expect(hexString(SHA256.hash(repeatElement(UInt8(0x61), count: 1_000_000))) == digest)
    }

    @Test("array slices hash their own bytes, not the whole array")
    func sliceHashesOnlyItsBytes() {
        let bytes = Array("xxabcxx".utf8)
        #expect(SHA256.hash(bytes[2..<5]) == SHA256.hash("abc"))
    }
}
