import EdgeCore
import EdgeHTTP
import Synchronization

/// What every connection of one server shares: settings in nanoseconds, the responder, the
/// logger, the TLS context and the counters tests and operators read.
///
/// Immutable after `init` apart from the atomics, hence `Sendable`.
final class HTTPServerContext: Sendable {
    let configuration: HTTPServer.Configuration
    let responder: any HTTPResponder
    let logger: Logger
    let tls: TLSContext?
    let headerTimeout: UInt64
    let bodyTimeout: UInt64
    let idleTimeout: UInt64
    let handshakeTimeout: UInt64
    /// How long a closing connection keeps reading (and discarding) so the peer gets our last
    /// response before the close, rather than a reset.
    let lingerTimeout: UInt64 = 2_000_000_000
    /// Unparsed input a busy connection may hold before it stops reading from the socket.
    let inputLimit = 256 * 1024
    /// Open connections on all loops.
    let openConnections = Atomic<Int>(0)
    /// Response bytes waiting in write queues on all loops.
    let queuedOutputBytes = Atomic<Int>(0)
    /// Connections accepted since start.
    let acceptedConnections = Atomic<Int>(0)

    init(configuration: HTTPServer.Configuration, responder: any HTTPResponder, logger: Logger) throws {
        self.configuration = configuration
        self.responder = responder
        self.logger = logger
        tls = try configuration.tls.map { try TLSContext($0) }
        headerTimeout = MonotonicClock.nanoseconds(configuration.headerTimeout)
        bodyTimeout = MonotonicClock.nanoseconds(configuration.bodyTimeout)
        idleTimeout = MonotonicClock.nanoseconds(configuration.idleTimeout)
        handshakeTimeout = MonotonicClock.nanoseconds(configuration.handshakeTimeout)
    }
}
