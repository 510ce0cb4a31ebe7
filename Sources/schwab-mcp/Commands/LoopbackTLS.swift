import EdgeCore
import EdgeCrypto
import EdgeHTTP
import EdgeNet
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// An HTTPS server on 127.0.0.1 with a one-day self-signed certificate, for `login`'s callback.
///
/// The key and certificate are written to a fresh owner-only temporary folder (files 0600) only
/// long enough for the TLS context to load them, then deleted: the key never outlives the load.
enum LoopbackTLS {
    static func server(port: Int, responder: some HTTPResponder, logger: Logger) throws -> HTTPServer {
        let certificate = try SelfSignedCertificate.make()
        var template = Array((NSTemporaryDirectory() + "schwab-mcp-login-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw LoginFailure("cannot create a private temporary folder for the certificate (errno \(errno))")
        }
        let folder = String(cString: made)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let certificatePath = folder + "/cert.pem"
        let keyPath = folder + "/key.pem"
        try writePrivate(certificatePath, certificate.certificatePEM)
        try writePrivate(keyPath, certificate.privateKeyPEM)
        return try HTTPServer(
            configuration: HTTPServer.Configuration(
                host: "127.0.0.1", port: port, eventLoops: 1,
                tls: TLSConfiguration(certificatePath: certificatePath, privateKeyPath: keyPath)),
            responder: responder, logger: logger)
    }

    /// Creates `path` with mode 0600 (failing if it exists) and writes `text`.
    static func writePrivate(_ path: String, _ text: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw LoginFailure("cannot create \(path) (errno \(errno))") }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { throw LoginFailure("cannot write \(path) (errno \(errno))") }
            offset += n
        }
    }
}
