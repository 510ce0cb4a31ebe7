#if canImport(Glibc)
    import Glibc
#endif

extension HTTPServer {
    /// Where the server listens and the limits it holds every connection to.
    public struct Configuration: Sendable {
        /// Listen address: an IPv4 or IPv6 literal.
        public var host: String
        /// Listen port; 0 picks a free one (`start()` returns it).
        public var port: Int
        /// Event loops (threads), each with its own listener; defaults to the number of cores.
        public var eventLoops: Int
        /// Serve HTTPS with this certificate and key when set.
        public var tls: TLSConfiguration?
        /// How long a request's header section may take to arrive, from its first byte (or from
        /// the connection's start): a client that trickles headers is cut off with 408.
        public var headerTimeout: Duration
        /// The longest silence allowed while a request body arrives.
        public var bodyTimeout: Duration
        /// How long an idle keep-alive connection is kept between requests (RFC 9112 §9.5).
        public var idleTimeout: Duration
        /// How long a TLS handshake may take.
        public var handshakeTimeout: Duration
        /// Open connections across all loops; a connection past this is accepted and closed at once.
        public var maxConnections: Int
        /// Bytes queued on one connection beyond which a streaming writer waits (back-pressure).
        public var streamHighWatermark: Int
        /// The idle interval after which Server-Sent Event streams send a comment heartbeat.
        public var heartbeatInterval: Duration
        /// How long a graceful shutdown waits for in-flight requests before closing what is left.
        public var shutdownGrace: Duration

        /// The defaults: 127.0.0.1:8080, one loop per core, 10 s headers, 30 s body, 60 s idle,
        /// 10 s handshake, 10,000 connections, 64 KiB stream watermark, 25 s heartbeats, 10 s grace.
        public init(
            host: String = "127.0.0.1", port: Int = 8080, eventLoops: Int? = nil, tls: TLSConfiguration? = nil,
            headerTimeout: Duration = .seconds(10), bodyTimeout: Duration = .seconds(30),
            idleTimeout: Duration = .seconds(60), handshakeTimeout: Duration = .seconds(10),
            maxConnections: Int = 10_000, streamHighWatermark: Int = 64 * 1024,
            heartbeatInterval: Duration = .seconds(25), shutdownGrace: Duration = .seconds(10)
        ) {
            self.host = host
            self.port = port
            self.eventLoops = eventLoops ?? max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
            self.tls = tls
            self.headerTimeout = headerTimeout
            self.bodyTimeout = bodyTimeout
            self.idleTimeout = idleTimeout
            self.handshakeTimeout = handshakeTimeout
            self.maxConnections = maxConnections
            self.streamHighWatermark = streamHighWatermark
            self.heartbeatInterval = heartbeatInterval
            self.shutdownGrace = shutdownGrace
        }

        /// Checks the values; the error names the setting, what was expected and what was given.
        public func validate() throws {
            func fail(_ name: String, _ expected: String, _ got: String) -> NetError {
                NetError(code: "bad_configuration", message: "\(name): expected \(expected), received \(got)")
            }
            guard (0...65535).contains(port) else { throw fail("port", "0...65535", "\(port)") }
            guard (1...256).contains(eventLoops) else { throw fail("eventLoops", "1...256", "\(eventLoops)") }
            guard maxConnections > 0 else { throw fail("maxConnections", "a positive number", "\(maxConnections)") }
            guard streamHighWatermark >= 1024 else {
                throw fail("streamHighWatermark", "at least 1024 bytes", "\(streamHighWatermark)")
            }
            for (name, value) in [
                ("headerTimeout", headerTimeout), ("bodyTimeout", bodyTimeout), ("idleTimeout", idleTimeout),
                ("handshakeTimeout", handshakeTimeout), ("heartbeatInterval", heartbeatInterval),
            ] where value <= .zero {
                throw fail(name, "a positive duration", "\(value)")
            }
        }
    }
}
