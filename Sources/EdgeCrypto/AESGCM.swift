import COpenSSL

/// AES-256 in Galois/Counter Mode (NIST SP 800-38D) through OpenSSL's EVP cipher interface.
///
/// Encrypts the approval cookie and Schwab tokens at rest. The sealed form is one byte string,
/// `nonce(12) || ciphertext || tag(16)`, so it can be stored or base64url-encoded as is; a fresh
/// random 96-bit nonce per message (SP 800-38D §8.2.2) keeps nonces unique for far more messages
/// than one key will ever see.
public enum AESGCM {
    /// The key length in bytes (AES-256).
    public static let keyByteCount = 32
    /// The nonce length of the sealed form in bytes (96 bits, SP 800-38D §5.2.1.1).
    public static let nonceByteCount = 12
    /// The authentication tag length in bytes (128 bits).
    public static let tagByteCount = 16

    /// Encrypts and authenticates `plaintext` and authenticates `associatedData`, returning
    /// `nonce || ciphertext || tag`. The nonce is random unless one is given (for tests).
    ///
    /// - Throws: `.invalidKeyLength` unless the key is 32 bytes, `.invalidNonceLength` unless a
    ///   given nonce is 12 bytes.
    public static func seal(
        _ plaintext: [UInt8], key: [UInt8], associatedData: [UInt8] = [], nonce: [UInt8]? = nil
    ) throws(CryptoError) -> [UInt8] {
        let nonce = nonce ?? SecureRandom.bytes(nonceByteCount)
        guard nonce.count == nonceByteCount else {
            throw CryptoError(
                .invalidNonceLength, "AES-GCM sealed boxes use a 12-byte nonce; got \(nonce.count) bytes")
        }
        let (ciphertext, tag) = try encrypt(plaintext, key: key, nonce: nonce, associatedData: associatedData)
        return nonce + ciphertext + tag
    }

    /// Checks and decrypts a box made by `seal` with the same key and associated data.
    ///
    /// - Throws: `.truncated` when the box is shorter than 28 bytes; `.authenticationFailed`
    ///   when any byte of it, the associated data or the key differs from sealing time.
    public static func open(
        _ sealed: [UInt8], key: [UInt8], associatedData: [UInt8] = []
    ) throws(CryptoError)
        -> [UInt8]
    {
        guard sealed.count >= nonceByteCount + tagByteCount else {
            throw CryptoError(
                .truncated,
                "an AES-GCM box is at least \(nonceByteCount + tagByteCount) bytes (nonce and tag); got \(sealed.count)"
            )
        }
        let nonce = Array(sealed[..<nonceByteCount])
        let ciphertext = Array(sealed[nonceByteCount..<(sealed.count - tagByteCount)])
        let tag = Array(sealed[(sealed.count - tagByteCount)...])
        return try decrypt(ciphertext, key: key, nonce: nonce, tag: tag, associatedData: associatedData)
    }

    /// Encrypts with an explicit nonce of any non-zero length, returning ciphertext and a 16-byte
    /// tag separately: the form the published test vectors use (GCM spec test cases 13-18).
    public static func encrypt(
        _ plaintext: [UInt8], key: [UInt8], nonce: [UInt8], associatedData: [UInt8] = []
    ) throws(CryptoError) -> (ciphertext: [UInt8], tag: [UInt8]) {
        let cipher = try GCMContext(key: key, nonce: nonce, encrypting: true)
        try cipher.feedAssociatedData(associatedData)
        let ciphertext = try cipher.update(plaintext)
        try cipher.finish()
        return (ciphertext, try cipher.tag())
    }

    /// Checks the tag and decrypts with an explicit nonce; the inverse of `encrypt`.
    ///
    /// - Throws: `.authenticationFailed` when the tag does not match; no plaintext is returned.
    public static func decrypt(
        _ ciphertext: [UInt8], key: [UInt8], nonce: [UInt8], tag: [UInt8], associatedData: [UInt8] = []
    ) throws(CryptoError) -> [UInt8] {
        guard tag.count == tagByteCount else {
            throw CryptoError(.invalidTagLength, "AES-GCM tags are \(tagByteCount) bytes; got \(tag.count)")
        }
        let cipher = try GCMContext(key: key, nonce: nonce, encrypting: false)
        try cipher.feedAssociatedData(associatedData)
        let plaintext = try cipher.update(ciphertext)
        try cipher.setExpectedTag(tag)
        guard cipher.finishChecked() else {
            throw CryptoError(
                .authenticationFailed,
                "AES-GCM authentication failed: the data was altered, or the key or associated data differ")
        }
        return plaintext
    }
}
