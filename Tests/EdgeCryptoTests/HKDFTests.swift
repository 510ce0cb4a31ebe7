import EdgeCrypto
import Testing

@Suite("HKDF-SHA256 against RFC 5869")
struct HKDFTests {
    /// RFC 5869 Appendix A.1-A.3 (the SHA-256 cases).
    static let vectors: [(name: String, ikm: [UInt8], salt: [UInt8], info: [UInt8], length: Int, okm: String)] = [
        (
            "A.1 basic", [UInt8](repeating: 0x0B, count: 22), Array(0x00...0x0C), Array(0xF0...0xF9), 42,
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"
        ),
        (
            "A.2 long inputs", Array(0x00...0x4F), Array(0x60...0xAF), Array(0xB0...0xFF), 82,
            "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
                + "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
                + "cc30c58179ec3e87c14c01d5c1f3434f1d87"
        ),
        (
            "A.3 empty salt and info", [UInt8](repeating: 0x0B, count: 22), [], [], 42,
            "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"
        ),
    ]

    @Test("RFC 5869 test case", arguments: vectors)
    func rfc5869(name: String, ikm: [UInt8], salt: [UInt8], info: [UInt8], length: Int, okm: String) throws {
        let derived = try HKDF.deriveKey(inputKeyMaterial: ikm, salt: salt, info: info, outputByteCount: length)
        #expect(hexString(derived) == okm, "case \(name)")
    }

    @Test("an explicit all-zero salt equals the absent salt (RFC 5869 §2.2)")
    func zeroSaltIsDefault() throws {
        let ikm = Array("input key material".utf8)
        let absent = try HKDF.deriveKey(inputKeyMaterial: ikm, info: Array("x".utf8), outputByteCount: 32)
        let zeros = try HKDF.deriveKey(
            inputKeyMaterial: ikm, salt: [UInt8](repeating: 0, count: 32), info: Array("x".utf8), outputByteCount: 32)
        #expect(absent == zeros)
    }

    @Test("different info gives independent keys; a longer output extends a shorter one")
    func infoSeparatesKeys() throws {
        let ikm = [UInt8](repeating: 7, count: 32)
        let cookie = try HKDF.deriveKey(inputKeyMaterial: ikm, info: Array("cookie".utf8), outputByteCount: 32)
        let tokens = try HKDF.deriveKey(inputKeyMaterial: ikm, info: Array("tokens".utf8), outputByteCount: 32)
        #expect(cookie != tokens)
        let long = try HKDF.deriveKey(inputKeyMaterial: ikm, info: Array("cookie".utf8), outputByteCount: 64)
        #expect(Array(long.prefix(32)) == cookie)
    }

    @Test("output lengths outside 1...8160 are refused with a clear error", arguments: [0, -1, 8161, 100_000])
    func badLengthRefused(length: Int) {
        #expect(throws: CryptoError.self) {
            try HKDF.deriveKey(inputKeyMaterial: [1, 2, 3], outputByteCount: length)
        }
        do {
            _ = try HKDF.deriveKey(inputKeyMaterial: [1, 2, 3], outputByteCount: length)
        } catch {
            #expect(error.code == .invalidOutputLength)
            #expect(error.message.contains("\(length)"))
        }
    }

    @Test("the largest output, 255 blocks, is produced")
    func maximumLength() throws {
        let okm = try HKDF.deriveKey(inputKeyMaterial: [1, 2, 3], outputByteCount: HKDF.maximumOutputByteCount)
        #expect(okm.count == 8160)
    }

    @Test(
        "matches the RFC 5869 §2 definition composed from HMAC, including empty input key material",
        arguments: [[], Array("k".utf8), [UInt8](repeating: 9, count: 100)])
    func matchesDefinition(ikm: [UInt8]) throws {
        let salt = Array("salt".utf8)
        let info = Array("purpose".utf8)
        // PRK = HMAC(salt, IKM); T(1) = HMAC(PRK, info || 0x01); T(2) = HMAC(PRK, T(1) || info || 0x02).
        let prk = HMACSHA256.authenticationCode(for: ikm, key: salt)
        let t1 = HMACSHA256.authenticationCode(for: info + [1], key: prk)
        let t2 = HMACSHA256.authenticationCode(for: t1 + info + [2], key: prk)
        let okm = try HKDF.deriveKey(inputKeyMaterial: ikm, salt: salt, info: info, outputByteCount: 40)
        #expect(okm == t1 + Array(t2.prefix(8)))
    }
}
