extension UpstreamClient {
    /// How an `UpstreamClient` connects, how long it waits, and what it trusts.
    public struct Configuration: Sendable {
        /// Longest wait for the TCP connection and TLS handshake of one request.
        public var connectTimeout: Duration
        /// Longest wait for a whole request, from start to the last body byte.
        public var totalTimeout: Duration
        /// Verify the server's certificate chain and name (RFC 9110 §4.3.4). Only tests turn it off.
        public var verifyTLS: Bool
        /// A PEM file of trusted CA certificates used instead of the system store (for a
        /// self-signed test certificate or a private CA).
        public var caBundlePath: String?
        /// Most simultaneous connections to one host; more requests queue for a free one.
        public var maxConnectionsPerHost: Int
        /// The `User-Agent` sent unless a request sets its own.
        public var userAgent: String
        /// Largest response body accepted; a larger one fails with `.network` instead of
        /// growing memory without bound.
        public var maxResponseBytes: Int
        /// Send `Accept-Encoding` for what libcurl can decode (gzip, deflate, brotli, zstd) and
        /// hand back decoded bodies. Headers still show the `Content-Encoding` the server used.
        public var acceptCompressedResponses: Bool

        /// The defaults: 5 s to connect, 30 s in total, TLS verified against the system store.
        public init(
            connectTimeout: Duration = .seconds(5), totalTimeout: Duration = .seconds(30), verifyTLS: Bool = true,
            caBundlePath: String? = nil, maxConnectionsPerHost: Int = 16, userAgent: String = "schwab-mcp/1.0",
            maxResponseBytes: Int = 64 << 20, acceptCompressedResponses: Bool = true
        ) {
            self.connectTimeout = connectTimeout
            self.totalTimeout = totalTimeout
            self.verifyTLS = verifyTLS
            self.caBundlePath = caBundlePath
            self.maxConnectionsPerHost = maxConnectionsPerHost
            self.userAgent = userAgent
            self.maxResponseBytes = maxResponseBytes
            self.acceptCompressedResponses = acceptCompressedResponses
        }
    }
}

extension Duration {
    /// Whole milliseconds, at least 1 (libcurl reads 0 as "no timeout").
    var upstreamMilliseconds: Int {
        let (seconds, attoseconds) = components
        let ms = seconds.multipliedReportingOverflow(by: 1000)
        if ms.overflow { return Int.max }
        return Int(clamping: max(1, ms.partialValue + attoseconds / 1_000_000_000_000_000))
    }
}
