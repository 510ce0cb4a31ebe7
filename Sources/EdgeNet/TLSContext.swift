import COpenSSL

/// Where the server's certificate chain and private key live (PEM files).
public struct TLSConfiguration: Sendable, Equatable {
    /// PEM certificate chain, leaf first.
    public var certificatePath: String
    /// PEM private key matching the leaf certificate.
    public var privateKeyPath: String

    /// A configuration from the two PEM paths.
    public init(certificatePath: String, privateKeyPath: String) {
        self.certificatePath = certificatePath
        self.privateKeyPath = privateKeyPath
    }
}

/// An OpenSSL server context: TLS 1.2 and 1.3 only, ALPN `http/1.1`, the configured certificate.
///
/// `@unchecked Sendable`: the `SSL_CTX` is configured in `init` and only read afterwards; OpenSSL
/// allows `SSL_new` on one context from many threads.
public final class TLSContext: @unchecked Sendable {
    let context: OpaquePointer

    /// Loads the certificate and key; throws a `NetError` naming the file and OpenSSL's reason.
    public init(_ configuration: TLSConfiguration) throws {
        guard let context = SSL_CTX_new(TLS_server_method()) else {
            throw NetError(code: "tls_context", message: "SSL_CTX_new failed: \(TLSContext.lastError())")
        }
        self.context = context
        // RFC 8996 deprecates TLS 1.0 and 1.1; RFC 9325 §3.1.1 asks for 1.2 and 1.3.
        _ = copenssl_ssl_ctx_set_min_proto(context, TLS1_2_VERSION)
        _ = copenssl_ssl_ctx_set_mode(
            context, Int(SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS)
        )
        guard SSL_CTX_use_certificate_chain_file(context, configuration.certificatePath) == 1 else {
            throw NetError(
                code: "tls_certificate",
                message: "cannot load the certificate chain '\(configuration.certificatePath)' (PEM expected): "
                    + TLSContext.lastError())
        }
        guard SSL_CTX_use_PrivateKey_file(context, configuration.privateKeyPath, SSL_FILETYPE_PEM) == 1 else {
            throw NetError(
                code: "tls_private_key",
                message: "cannot load the private key '\(configuration.privateKeyPath)' (PEM expected): "
                    + TLSContext.lastError())
        }
        guard SSL_CTX_check_private_key(context) == 1 else {
            throw NetError(
                code: "tls_key_mismatch",
                message: "the private key '\(configuration.privateKeyPath)' does not match the certificate '"
                    + "\(configuration.certificatePath)'")
        }
        // RFC 7301 §3.2: pick http/1.1 when the client offers it; without a match, go on without
        // ALPN rather than fail (clients that send no ALPN are common).
        SSL_CTX_set_alpn_select_cb(
            context,
            { _, out, outLength, input, inputLength, _ in
                guard let out, let outLength, let input else { return SSL_TLSEXT_ERR_NOACK }
                var offset = 0
                while offset < Int(inputLength) {
                    let length = Int(input[offset])
                    let start = offset + 1
                    if length == 8 && start + length <= Int(inputLength) {
                        let name: [UInt8] = Array(UnsafeBufferPointer(start: input + start, count: length))
                        if name == Array("http/1.1".utf8) {
                            out.pointee = input + start
                            outLength.pointee = UInt8(length)
                            return SSL_TLSEXT_ERR_OK
                        }
                    }
                    offset = start + length
                }
                return SSL_TLSEXT_ERR_NOACK
            }, nil)
    }

    deinit { SSL_CTX_free(context) }

    /// A new session for an accepted socket.
    func makeSession(fd: Int32) -> TLSSession? {
        guard let ssl = SSL_new(context) else { return nil }
        SSL_set_fd(ssl, fd)
        SSL_set_accept_state(ssl)
        return TLSSession(ssl: ssl)
    }

    /// OpenSSL's error queue as text, emptied.
    static func lastError() -> String {
        var parts: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            parts.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return parts.isEmpty ? "no detail from OpenSSL" : parts.joined(separator: "; ")
    }
}
