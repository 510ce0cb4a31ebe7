extension SchwabClient {
    /// How a client retries, caches and waits; the defaults suit production.
    public struct Options: Sendable {
        /// When failed calls are retried.
        public var retry: SchwabRetryPolicy
        /// Whether answers whose request allows it are served from the cache (turn off to compare,
        /// as `scripts/bench tools` does, or with `SCHWAB_CACHE = "off"`).
        public var cacheEnabled: Bool
        /// Most cached answers per client (per user).
        public var cacheCapacity: Int
        /// Most body bytes cached per client (per user).
        public var cacheMaxBytes: Int
        /// How the client waits between attempts; tests pass one that returns at once.
        public var sleep: @Sendable (Duration) async -> Void
        /// A number in 0..<1 for the backoff jitter; tests pass a fixed one.
        public var random: @Sendable () -> Double
        /// Seconds on a monotonic clock, for cache expiry and call durations.
        public var now: @Sendable () -> Double

        /// The defaults: `SchwabRetryPolicy()`, cache on with 512 entries and 8 MiB, real sleep
        /// and clock.
        public init(
            retry: SchwabRetryPolicy = SchwabRetryPolicy(), cacheEnabled: Bool = true, cacheCapacity: Int = 512,
            cacheMaxBytes: Int = 8 << 20,
            sleep: @escaping @Sendable (Duration) async -> Void = { try? await Task.sleep(for: $0) },
            random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
            now: @escaping @Sendable () -> Double = SchwabClient.monotonicSeconds
        ) {
            self.retry = retry
            self.cacheEnabled = cacheEnabled
            self.cacheCapacity = cacheCapacity
            self.cacheMaxBytes = cacheMaxBytes
            self.sleep = sleep
            self.random = random
            self.now = now
        }

        /// The defaults adjusted by the operator's `[vars]`: `SCHWAB_CACHE` = `off`/`false`/`0`
        /// turns the cache off.
        public init(vars: [String: String]) {
            self.init()
            if let value = vars["SCHWAB_CACHE"]?.lowercased(), ["off", "false", "0", "no"].contains(value) {
                cacheEnabled = false
            }
        }
    }

    /// Seconds since an arbitrary fixed point, never going backwards.
    @Sendable public static func monotonicSeconds() -> Double {
        let elapsed = ContinuousClock.now - origin
        let (seconds, attoseconds) = elapsed.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    private static let origin = ContinuousClock.now
}
