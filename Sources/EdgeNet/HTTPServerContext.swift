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
    /// The responder is an `EventLoopResponder`: `.later` work runs on the connection's loop.
    let laterOnLoop: Bool

    init(configuration: HTTPServer.Configuration, responder: any HTTPResponder, logger: Logger) throws {
        self.configuration = configuration
        self.responder = responder
        laterOnLoop = responder is any EventLoopResponder
        self.logger = logger
        tls = try configuration.tls.map { try TLSContext($0) }
        headerTimeout = MonotonicClock.nanoseconds(configuration.headerTimeout)
        bodyTimeout = MonotonicClock.nanoseconds(configuration.bodyTimeout)
        idleTimeout = MonotonicClock.nanoseconds(configuration.idleTimeout)
        handshakeTimeout = MonotonicClock.nanoseconds(configuration.handshakeTimeout)
    }
}

/// A responder whose `.later` work may run on the event loop of the connection it answers,
/// rather than on the global executor: the work starts without a thread hop, its awaits resume
/// on the loop, and its answer is written in the same turn. For responders whose work mostly
/// waits on other event-loop I/O (the router forwarding to a session host). The work shares the
/// loop's thread with every connection on it, so it must never block (no synchronous I/O,
/// semaphores or sleeps) and should not compute for long.
public protocol EventLoopResponder: HTTPResponder {}
