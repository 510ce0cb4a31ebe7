import COpenSSL

/// A throwaway TLS certificate and its private key, made in memory, for a server that only a
/// browser on the same machine talks to (`schwab-mcp login`'s loopback callback: Schwab sends
/// the browser back only to an HTTPS redirect URI).
///
/// The key is ECDSA P-256 (FIPS 186-4), the certificate X.509 v3 (RFC 5280) signed by that key
/// with SHA-256, with `subjectAltName` entries for the loopback names (RFC 5280 §4.2.1.6;
/// browsers match only the SAN, never the common name, per RFC 6125 §6.4.4), `CA:FALSE` and
/// `extendedKeyUsage serverAuth`. Nothing is written to disk here; the caller decides where the
/// PEM texts go (mode 0600, removed after use).
public struct SelfSignedCertificate: Sendable {
    /// The certificate, PEM (`-----BEGIN CERTIFICATE-----`).
    public let certificatePEM: String
    /// The private key, PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`). A secret while it lives.
    public let privateKeyPEM: String

    /// Makes a key and a certificate valid from one minute ago for `validitySeconds` (default
    /// one day), naming `ipAddresses` and `dnsNames` as subject alternative names.
    public static func make(
        commonName: String = "localhost", ipAddresses: [String] = ["127.0.0.1"], dnsNames: [String] = ["localhost"],
        validitySeconds: Int = 86_400
    ) throws(CryptoError) -> SelfSignedCertificate {
        let key = try generateKey()
        defer { EVP_PKEY_free(key) }
        guard let certificate = X509_new() else { throw failure("X509_new") }
        defer { X509_free(certificate) }
        guard X509_set_version(certificate, 2) == 1 else { throw failure("X509_set_version") }
        let serial = SecureRandom.bytes(8).reduce(0) { ($0 << 8) | Int($1) } & Int.max
        guard ASN1_INTEGER_set(X509_get_serialNumber(certificate), max(serial, 1)) == 1 else {
            throw failure("ASN1_INTEGER_set")
        }
        guard X509_gmtime_adj(X509_getm_notBefore(certificate), -60) != nil,
            X509_gmtime_adj(X509_getm_notAfter(certificate), validitySeconds) != nil
        else { throw failure("X509_gmtime_adj") }
        guard let name = X509_get_subject_name(certificate),
            X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, commonName, -1, -1, 0) == 1,
            X509_set_issuer_name(certificate, name) == 1
        else { throw failure("X509_NAME_add_entry_by_txt") }
        guard X509_set_pubkey(certificate, key) == 1 else { throw failure("X509_set_pubkey") }
        let alternatives = (ipAddresses.map { "IP:" + $0 } + dnsNames.map { "DNS:" + $0 }).joined(separator: ",")
        try addExtension(certificate, NID_subject_alt_name, alternatives)
        try addExtension(certificate, NID_basic_constraints, "critical,CA:FALSE")
        try addExtension(certificate, NID_key_usage, "critical,digitalSignature")
        try addExtension(certificate, NID_ext_key_usage, "serverAuth")
        guard X509_sign(certificate, key, EVP_sha256()) > 0 else { throw failure("X509_sign") }
        let certificatePEM = try pem("the certificate") { PEM_write_bio_X509($0, certificate) }
        let keyPEM = try pem("the private key") { PEM_write_bio_PrivateKey($0, key, nil, nil, 0, nil, nil) }
        return SelfSignedCertificate(certificatePEM: certificatePEM, privateKeyPEM: keyPEM)
    }

    private static func generateKey() throws(CryptoError) -> OpaquePointer {
        guard let context = EVP_PKEY_CTX_new_from_name(nil, "EC", nil) else {
            throw failure("EVP_PKEY_CTX_new_from_name(EC)")
        }
        defer { EVP_PKEY_CTX_free(context) }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen_init(context) == 1, EVP_PKEY_CTX_set_group_name(context, "P-256") == 1,
            EVP_PKEY_generate(context, &key) == 1, let key
        else { throw failure("EC P-256 key generation") }
        return key
    }

    private static func addExtension(_ certificate: OpaquePointer, _ nid: Int32, _ value: String) throws(CryptoError) {
        // A nil context suffices for these extensions: none refers to an issuer or a config.
        guard let ext = X509V3_EXT_conf_nid(nil, nil, nid, value) else {
            throw failure("X509V3_EXT_conf_nid(\(value))")
        }
        defer { X509_EXTENSION_free(ext) }
        guard X509_add_ext(certificate, ext, -1) == 1 else { throw failure("X509_add_ext") }
    }

    private static func pem(
        _ what: String, _ write: (OpaquePointer) -> Int32
    ) throws(CryptoError) -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { throw failure("BIO_new") }
        defer { BIO_free(bio) }
        guard write(bio) == 1 else { throw failure("PEM encoding of \(what)") }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { BIO_read(bio, $0.baseAddress, Int32($0.count)) }
            guard count > 0 else { break }
            bytes.append(contentsOf: chunk[0..<Int(count)])
        }
        let text = String(decoding: bytes, as: UTF8.self)
        // The key's PEM is a secret: clear the scratch copies before they are freed.
        for index in chunk.indices { chunk[index] = 0 }
        for index in bytes.indices { bytes[index] = 0 }
        return text
    }

    private static func failure(_ step: String) -> CryptoError {
        let code = ERR_get_error()
        ERR_clear_error()
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        let reason = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return CryptoError(.library, "making the self-signed certificate failed at \(step): \(reason)")
    }
}
