import COpenSSL

/// One connection's TLS state over a non-blocking socket.
///
/// Confined to the event loop that owns the connection.
final class TLSSession {
    /// What a TLS call did.
    enum Outcome {
        /// Bytes moved (for handshake: finished).
        case done(Int)
        /// Wait for the socket to be readable.
        case wantRead
        /// Wait for the socket to be writable.
        case wantWrite
        /// The peer sent close_notify or closed the socket.
        case closed
        /// A protocol or socket error; the connection is lost.
        case failed
    }

    private let ssl: OpaquePointer

    init(ssl: OpaquePointer) { self.ssl = ssl }

    deinit { SSL_free(ssl) }

    /// Advances the handshake (RFC 8446 §4).
    func handshake() -> Outcome {
        let rc = SSL_do_handshake(ssl)
        return rc == 1 ? .done(0) : outcome(rc)
    }

    /// Decrypts up to `count` bytes into `buffer`.
    func read(_ buffer: UnsafeMutableRawPointer, _ count: Int) -> Outcome {
        let rc = SSL_read(ssl, buffer, Int32(min(count, Int(Int32.max))))
        return rc > 0 ? .done(Int(rc)) : outcome(rc)
    }

    /// Encrypts and sends up to `count` bytes (partial writes are enabled on the context).
    func write(_ buffer: UnsafeRawPointer, _ count: Int) -> Outcome {
        let rc = SSL_write(ssl, buffer, Int32(min(count, Int(Int32.max))))
        return rc > 0 ? .done(Int(rc)) : outcome(rc)
    }

    /// Sends close_notify without waiting for the peer's (RFC 8446 §6.1).
    func shutdown() { _ = SSL_shutdown(ssl) }

    /// The negotiated protocol version, such as `TLSv1.3`.
    var protocolVersion: String { String(cString: SSL_get_version(ssl)) }

    private func outcome(_ rc: Int32) -> Outcome {
        switch SSL_get_error(ssl, rc) {
        case SSL_ERROR_WANT_READ: return .wantRead
        case SSL_ERROR_WANT_WRITE: return .wantWrite
        case SSL_ERROR_ZERO_RETURN:
            return .closed
        default:
            ERR_clear_error()
            return .failed
        }
    }
}
