import EdgeCrypto
import Testing

@Suite("AES-256-GCM against the GCM specification, and tamper refusal")
struct AESGCMTests {
    static let zeroKey = [UInt8](repeating: 0, count: 32)
    static let key = hex("feffe9928665731c6d6a8f9467308308 feffe9928665731c6d6a8f9467308308")
    static let plaintext = hex(
        "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
            + "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255")
    static let aad = hex("feedfacedeadbeeffeedfacedeadbeefabaddad2")

    /// McGrew & Viega, "The Galois/Counter Mode of Operation", Appendix B, test cases 13-18
    /// (AES-256): empty input, one block, four blocks, partial block with AAD, and the 64-bit and
    /// 480-bit IVs that go through GHASH.
    static let vectors:
        [(name: String, key: [UInt8], iv: [UInt8], pt: [UInt8], aad: [UInt8], ct: String, tag: String)] = [
            ("13", zeroKey, [UInt8](repeating: 0, count: 12), [], [], "", "530f8afbc74536b9a963b4f1c4cb738b"),
            (
                "14", zeroKey, [UInt8](repeating: 0, count: 12), [UInt8](repeating: 0, count: 16), [],
                "cea7403d4d606b6e074ec5d3baf39d18", "d0d1c8a799996bf0265b98b5d48ab919"
            ),
            (
                "15", key, hex("cafebabefacedbaddecaf888"), plaintext, [],
                "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
                    + "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad",
                "b094dac5d93471bdec1a502270e3cc6c"
            ),
            (
                "16", key, hex("cafebabefacedbaddecaf888"), Array(plaintext.prefix(60)), aad,
                "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
                    + "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
                "76fc6ece0f4e1768cddf8853bb2d551b"
            ),
            (
                "17", key, hex("cafebabefacedbad"), Array(plaintext.prefix(60)), aad,
                "c3762df1ca787d32ae47c13bf19844cbaf1ae14d0b976afac52ff7d79bba9de0"
                    + "feb582d33934a4f0954cc2363bc73f7862ac430e64abe499f47c9b1f",
                "3a337dbf46a792c45e454913fe2ea8f2"
            ),
            (
                "18", key,
                hex(
                    "9313225df88406e555909c5aff5269aa6a7a9538534f7da1e4c303d2a318a728"
                        + "c3c0c95156809539fcf0e2429a6b525416aedbf5a0de6a57a637b39b"),
                Array(plaintext.prefix(60)), aad,
                "5a8def2f0c9e53f1f75d7853659e2a20eeb2b22aafde6419a058ab4f6f746bf4"
                    + "0fc0c3b780f244452da3ebf1c5d82cdea2418997200ef82e44ae7e3f",
                "a44a8266ee1c8eb0c8b5d4cf5ae9f19a"
            ),
        ]

    @Test("GCM spec test case", arguments: vectors)
    func gcmSpec(
        name: String, key: [UInt8], iv: [UInt8], pt: [UInt8], aad: [UInt8], ct: String, tag: String
    )
        throws
    {
        let sealed = try AESGCM.encrypt(pt, key: key, nonce: iv, associatedData: aad)
        #expect(hexString(sealed.ciphertext) == ct, "case \(name)")
        #expect(hexString(sealed.tag) == tag, "case \(name)")
        let opened = try AESGCM.decrypt(hex(ct), key: key, nonce: iv, tag: hex(tag), associatedData: aad)
        #expect(opened == pt, "case \(name)")
    }

    @Test("seal lays out nonce || ciphertext || tag, matching the explicit form")
    func sealedLayout() throws {
        let nonce = hex("cafebabefacedbaddecaf888")
        let box = try AESGCM.seal(Self.plaintext, key: Self.key, nonce: nonce)
        #expect(hexString(Array(box.prefix(12))) == "cafebabefacedbaddecaf888")
        #expect(hexString(Array(box.suffix(16))) == "b094dac5d93471bdec1a502270e3cc6c")
        #expect(box.count == 12 + Self.plaintext.count + 16)
        #expect(try AESGCM.open(box, key: Self.key) == Self.plaintext)
    }

    @Test("seal draws a fresh nonce each time, and every box opens")
    func freshNonces() throws {
        let key = SecureRandom.bytes(32)
        let message = Array("schwab refresh token".utf8)
        let first = try AESGCM.seal(message, key: key, associatedData: Array("token:1".utf8))
        let second = try AESGCM.seal(message, key: key, associatedData: Array("token:1".utf8))
        #expect(first.prefix(12) != second.prefix(12))
        #expect(try AESGCM.open(first, key: key, associatedData: Array("token:1".utf8)) == message)
        #expect(try AESGCM.open(second, key: key, associatedData: Array("token:1".utf8)) == message)
    }

    /// Ways a box can be altered after sealing; each must be refused.
    enum Tamper: String, CaseIterable, Sendable {
        case flipNonceBit, flipCiphertextBit, flipLastCiphertextBit, flipTagBit, wrongAssociatedData,
            missingAssociatedData, wrongKey, droppedTagByte, appendedByte
    }

    @Test("any tamper is refused with authenticationFailed and no plaintext", arguments: Tamper.allCases)
    func tamperRefused(tamper: Tamper) throws {
        let key = SecureRandom.bytes(32)
        let ad = Array("cookie:approval".utf8)
        var box = try AESGCM.seal(Array("client_id=abc&scope=read".utf8), key: key, associatedData: ad)
        var openKey = key
        var openAD = ad
        switch tamper {
        case .flipNonceBit: box[0] ^= 0x80
        case .flipCiphertextBit: box[12] ^= 0x01
        case .flipLastCiphertextBit: box[box.count - 17] ^= 0x40
        case .flipTagBit: box[box.count - 1] ^= 0x01
        case .wrongAssociatedData: openAD = Array("cookie:approvaL".utf8)
        case .missingAssociatedData: openAD = []
        case .wrongKey: openKey[31] ^= 0x01
        case .droppedTagByte: box.removeLast()
        case .appendedByte: box.append(0)
        }
        do {
            let opened = try AESGCM.open(box, key: openKey, associatedData: openAD)
            Issue.record("tampered box opened to \(opened.count) bytes")
        } catch {
            #expect(error.code == .authenticationFailed)
            #expect(error.message.contains("authentication failed"))
        }
    }

    @Test("boxes shorter than nonce plus tag are refused as truncated", arguments: [0, 1, 12, 27])
    func truncatedRefused(length: Int) {
        let key = [UInt8](repeating: 1, count: 32)
        do {
            _ = try AESGCM.open([UInt8](repeating: 0, count: length), key: key)
            Issue.record("a \(length)-byte box opened")
        } catch {
            #expect(error.code == .truncated)
        }
    }

    @Test("a 28-byte box (empty plaintext) is valid input and opens")
    func emptyPlaintext() throws {
        let key = [UInt8](repeating: 1, count: 32)
        let box = try AESGCM.seal([], key: key)
        #expect(box.count == 28)
        #expect(try AESGCM.open(box, key: key) == [])
    }

    @Test("keys that are not 32 bytes are refused", arguments: [0, 16, 24, 31, 33])
    func badKeyLength(length: Int) {
        do {
            _ = try AESGCM.seal([1], key: [UInt8](repeating: 0, count: length))
            Issue.record("sealed with a \(length)-byte key")
        } catch {
            #expect(error.code == .invalidKeyLength)
            #expect(error.message.contains("\(length)"))
        }
    }

    @Test("sealed boxes take only 12-byte nonces; the explicit form refuses empty ones")
    func badNonceLength() {
        let key = [UInt8](repeating: 0, count: 32)
        #expect(throws: CryptoError(.invalidNonceLength, "AES-GCM sealed boxes use a 12-byte nonce; got 8 bytes")) {
            try AESGCM.seal([1], key: key, nonce: [UInt8](repeating: 0, count: 8))
        }
        do {
            _ = try AESGCM.encrypt([1], key: key, nonce: [])
            Issue.record("encrypted with an empty nonce")
        } catch {
            #expect(error.code == .invalidNonceLength)
        }
    }

    @Test("decrypt refuses tags of the wrong length")
    func badTagLength() {
        let key = [UInt8](repeating: 0, count: 32)
        do {
            _ = try AESGCM.decrypt([1, 2], key: key, nonce: [UInt8](repeating: 0, count: 12), tag: [1, 2, 3])
            Issue.record("decrypted with a 3-byte tag")
        } catch {
            #expect(error.code == .invalidTagLength)
        }
    }
}
