import COpenSSL

/// HKDF with SHA-256 (RFC 5869): extract-then-expand key derivation through OpenSSL's EVP_PKEY HKDF.
///
/// Derives separate keys for separate purposes (cookie encryption, token encryption at rest,
/// state signing) from the one `COOKIE_ENCRYPTION_KEY` secret, so that no key serves two roles.
public enum HKDF {
    /// The most bytes HKDF-SHA256 can produce: 255 blocks of 32 bytes (RFC 5869 §2.3).
    public static let maximumOutputByteCount = 255 * SHA256.byteCount

    /// Derives `outputByteCount` bytes from `inputKeyMaterial` (RFC 5869 §2.2 extract, §2.3
    /// expand). An empty `salt` means the RFC's default of 32 zero bytes; `info` binds the key to
    /// its purpose.
    ///
    /// - Throws: `CryptoError.invalidOutputLength` unless 1 ≤ `outputByteCount` ≤ 8160.
    public static func deriveKey(
        inputKeyMaterial: [UInt8], salt: [UInt8] = [], info: [UInt8] = [], outputByteCount: Int
    ) throws(CryptoError) -> [UInt8] {
        guard outputByteCount >= 1 && outputByteCount <= maximumOutputByteCount else {
            throw CryptoError(
                .invalidOutputLength,
                "HKDF-SHA256 output length must be between 1 and \(maximumOutputByteCount) bytes, not \(outputByteCount)"
            )
        }
        // EVP_PKEY_CTX with the HKDF helpers rather than EVP_KDF with OSSL_PARAMs: OSSL_PARAM
        // keeps pointers to its key names, which Swift's temporary C strings would not outlive.
        guard let context = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nil) else {
            throw CryptoError(.library, "OpenSSL has no HKDF implementation (is the default provider loaded?)")
        }
        defer { EVP_PKEY_CTX_free(context) }
        var output = [UInt8](repeating: 0, count: outputByteCount)
        var length = outputByteCount
        var status = EVP_PKEY_derive_init(context)
        if status == 1 { status = EVP_PKEY_CTX_set_hkdf_md(context, EVP_sha256()) }
        // An absent salt takes the RFC's default of HashLen zero bytes (§2.2), an absent info the
        // empty string (§2.3); OpenSSL wants no call at all for those.
        if status == 1 && !salt.isEmpty {
            status = salt.withUnsafeBufferPointer {
                EVP_PKEY_CTX_set1_hkdf_salt(context, $0.baseAddress, Int32($0.count))
            }
        }
        if status == 1 {
            status = withNonEmptyPointer(inputKeyMaterial) { EVP_PKEY_CTX_set1_hkdf_key(context, $0, $1) }
        }
        if status == 1 && !info.isEmpty {
            status = info.withUnsafeBufferPointer {
                EVP_PKEY_CTX_add1_hkdf_info(context, $0.baseAddress, Int32($0.count))
            }
        }
        if status == 1 {
            status = output.withUnsafeMutableBufferPointer { EVP_PKEY_derive(context, $0.baseAddress, &length) }
        }
        guard status == 1 && length == outputByteCount else {
            ERR_clear_error()
            throw CryptoError(.library, "OpenSSL HKDF-SHA256 derivation failed")
        }
        return output
    }

    /// Calls `body` with a non-nil pointer even for empty input (OpenSSL refuses a nil key).
    private static func withNonEmptyPointer(
        _ bytes: [UInt8], _ body: (UnsafePointer<UInt8>, Int32) -> Int32
    ) -> Int32 {
        let storage = bytes.isEmpty ? [0] : bytes
        return storage.withUnsafeBufferPointer { body($0.baseAddress!, Int32(bytes.count)) }
    }
}
