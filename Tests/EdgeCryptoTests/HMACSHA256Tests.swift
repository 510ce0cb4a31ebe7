import EdgeCrypto
import Testing

@Suite("HMAC-SHA256 against RFC 4231")
struct HMACSHA256Tests {
    /// RFC 4231 §4.2-§4.8, test cases 1-7. Case 5's published tag is truncated to 128 bits.
    static let vectors: [(name: String, key: [UInt8], data: [UInt8], tag: String)] = [
        (
            "1", [UInt8](repeating: 0x0B, count: 20), Array("Hi There".utf8),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        ),
        (
            "2", Array("Jefe".utf8), Array("what do ya want for nothing?".utf8),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        ),
        (
            "3", [UInt8](repeating: 0xAA, count: 20), [UInt8](repeating: 0xDD, count: 50),
            "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"
        ),
        (
            "4", Array(1...25), [UInt8](repeating: 0xCD, count: 50),
            "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"
        ),
        (
            "5 (truncated to 128 bits)", [UInt8](repeating: 0x0C, count: 20), Array("Test With Truncation".utf8),
            "a3b6167473100ee06e0c796c2955552b"
        ),
        (
            "6", [UInt8](repeating: 0xAA, count: 131),
            Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        ),
        (
            "7", [UInt8](repeating: 0xAA, count: 131),
            Array(
                ("This is a test using a larger than block-size key and a larger than block-size data."
                    + " The key needs to be hashed before being used by the HMAC algorithm.").utf8),
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"
        ),
    ]

    @Test("RFC 4231 test case", arguments: vectors)
    func rfc4231(name: String, key: [UInt8], data: [UInt8], tag: String) {
        let code = HMACSHA256.authenticationCode(for: data, key: key)
        #expect(code.count == 32)
        // Truncated vectors publish a prefix; full ones the whole tag.
        #expect(hexString(Array(code.prefix(tag.count / 2))) == tag, "case \(name)")
        #expect(HMACSHA256.isValid(hex(tag), for: data, key: key), "case \(name)")
    }

    @Test("a tag with any flipped bit is refused", arguments: [0, 7, 15, 31])
    func flippedTagRefused(byte: Int) {
        let key = Array("secret".utf8)
        let message = Array("state=abc".utf8)
        var tag = HMACSHA256.authenticationCode(for: message, key: key)
        #expect(HMACSHA256.isValid(tag, for: message, key: key))
        tag[byte] ^= 0x01
        #expect(!HMACSHA256.isValid(tag, for: message, key: key))
    }

    @Test("wrong key, wrong message, too-short and too-long tags are refused")
    func mismatchesRefused() {
        let key = Array("secret".utf8)
        let message = Array("state=abc".utf8)
        let tag = HMACSHA256.authenticationCode(for: message, key: key)
        #expect(!HMACSHA256.isValid(tag, for: message, key: Array("secreT".utf8)))
        #expect(!HMACSHA256.isValid(tag, for: Array("state=abd".utf8), key: key))
        #expect(!HMACSHA256.isValid(Array(tag.prefix(15)), for: message, key: key))
        #expect(!HMACSHA256.isValid([], for: message, key: key))
        #expect(!HMACSHA256.isValid(tag + [0], for: message, key: key))
    }

    @Test("empty key and empty message still produce the standard tag")
    func emptyInputs() {
        // HMAC-SHA256("", "") is a well-known value (also what Python's hmac computes).
        #expect(
            hexString(HMACSHA256.authenticationCode(for: [], key: []))
                == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")
    }
}
