import EdgeCrypto
import Foundation
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

    @Test("arbitrary text either fails to decode or re-encodes to the same canonical text")
    func decodeIsStrictAndCanonical() {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/= \n.")
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let length = Int.random(in: 0...12, using: &generator)
            let text = String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
            if let bytes = Base64URL.decode(text) {
                #expect(Base64URL.encode(bytes) == text.replacingOccurrences(of: "=", with: ""), "\(text)")
            }
            if let bytes = Base64.decode(text) {
                let padded = Base64.encode(bytes)
                #expect(padded == text || padded.replacingOccurrences(of: "=", with: "") == text, "\(text)")
            }
        }
    }
}
