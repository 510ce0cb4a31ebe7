import COpenSSL

/// One AES-256-GCM operation over an `EVP_CIPHER_CTX`, freed when the value goes away.
///
/// Confined to the call that creates it (never shared or stored), hence no Sendable conformance.
final class GCMContext {
    private let context: OpaquePointer
    private let encrypting: Bool

    init(key: [UInt8], nonce: [UInt8], encrypting: Bool) throws(CryptoError) {
        guard key.count == AESGCM.keyByteCount else {
            throw CryptoError(
                .invalidKeyLength, "AES-256-GCM needs a \(AESGCM.keyByteCount)-byte key; got \(key.count) bytes")
        }
        guard !nonce.isEmpty && nonce.count <= 128 else {
            throw CryptoError(.invalidNonceLength, "AES-GCM nonces are 1 to 128 bytes; got \(nonce.count)")
        }
        guard let context = EVP_CIPHER_CTX_new() else {
            throw CryptoError(.library, "OpenSSL could not allocate a cipher context")
        }
        self.context = context
        self.encrypting = encrypting
        let initialise = encrypting ? EVP_EncryptInit_ex : EVP_DecryptInit_ex
        guard initialise(context, EVP_aes_256_gcm(), nil, nil, nil) == 1,
            EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_IVLEN, Int32(nonce.count), nil) == 1,
            key.withUnsafeBufferPointer({ k in
                nonce.withUnsafeBufferPointer { n in initialise(context, nil, nil, k.baseAddress, n.baseAddress) }
            }) == 1
        else {
            ERR_clear_error()
            throw CryptoError(.library, "OpenSSL could not set up AES-256-GCM")
        }
    }

    deinit { EVP_CIPHER_CTX_free(context) }

    func feedAssociatedData(_ data: [UInt8]) throws(CryptoError) {
        guard !data.isEmpty else { return }
        var written: Int32 = 0
        let ok = data.withUnsafeBufferPointer { d in
            encrypting
                ? EVP_EncryptUpdate(context, nil, &written, d.baseAddress, Int32(d.count))
                : EVP_DecryptUpdate(context, nil, &written, d.baseAddress, Int32(d.count))
        }
        guard ok == 1 else { throw failure("could not authenticate the associated data") }
    }

    func update(_ input: [UInt8]) throws(CryptoError) -> [UInt8] {
        guard !input.isEmpty else { return [] }
        guard input.count < Int(Int32.max) else {
            throw CryptoError(.invalidOutputLength, "AES-GCM input must be under 2 GiB; got \(input.count) bytes")
        }
        var output = [UInt8](repeating: 0, count: input.count)
        var written: Int32 = 0
        let ok = input.withUnsafeBufferPointer { i in
            output.withUnsafeMutableBufferPointer { o in
                encrypting
                    ? EVP_EncryptUpdate(context, o.baseAddress, &written, i.baseAddress, Int32(i.count))
                    : EVP_DecryptUpdate(context, o.baseAddress, &written, i.baseAddress, Int32(i.count))
            }
        }
        guard ok == 1 && Int(written) == input.count else { throw failure("could not process the data") }
        return output
    }

    /// Completes encryption (GCM has no final block to emit).
    func finish() throws(CryptoError) {
        var written: Int32 = 0
        var scratch = [UInt8](repeating: 0, count: 16)
        guard EVP_EncryptFinal_ex(context, &scratch, &written) == 1 else { throw failure("could not finish") }
    }

    func tag() throws(CryptoError) -> [UInt8] {
        var tag = [UInt8](repeating: 0, count: AESGCM.tagByteCount)
        guard EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, Int32(tag.count), &tag) == 1 else {
            throw failure("could not read the tag")
        }
        return tag
    }

    func setExpectedTag(_ tag: [UInt8]) throws(CryptoError) {
        var copy = tag
        guard EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, Int32(copy.count), &copy) == 1 else {
            throw failure("could not set the expected tag")
        }
    }

    /// Completes decryption; false when the tag does not authenticate the input.
    func finishChecked() -> Bool {
        var written: Int32 = 0
        var scratch = [UInt8](repeating: 0, count: 16)
        let ok = EVP_DecryptFinal_ex(context, &scratch, &written) == 1
        if !ok { ERR_clear_error() }
        return ok
    }

    private func failure(_ what: String) -> CryptoError {
        ERR_clear_error()
        return CryptoError(.library, "OpenSSL AES-256-GCM \(what)")
    }
}
