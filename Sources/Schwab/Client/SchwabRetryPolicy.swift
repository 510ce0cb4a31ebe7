import EdgeHTTP
import EdgeNet

/// When a failed call to Schwab is tried again, and after how long. Pure: the client feeds it
/// each outcome and a random number, and sleeps for what it says.
///
/// - 401: one token refresh, then one retry, for every method: Schwab refused before acting,
///   so even an order is safe to send again (seed: "a 401 triggers one refresh and one retry").
/// - 429: reads wait and retry, honouring `Retry-After` (RFC 9110 §10.2.3, delta-seconds), with
///   jitter so many callers do not return at the same instant, up to a bounded total wait.
/// - 5xx (500, 502, 503, 504) and a broken or refused connection: reads retry with jittered
///   exponential backoff ("equal jitter": half the step fixed, half random), a bounded number
///   of times.
/// - Orders (POST, PUT, DELETE) are never retried blindly: a 5xx or a broken connection may have
///   come after Schwab acted, and a 429 is left to the person to retry.
public struct SchwabRetryPolicy: Sendable, Equatable {
    /// Most attempts of a read that keeps failing with 5xx or network errors (first one included).
    public var maxReadAttempts: Int
    /// Most 429 waits of one call.
    public var maxRateLimitRetries: Int
    /// The first backoff step; each later step doubles.
    public var baseDelay: Duration
    /// The largest backoff step.
    public var maxDelay: Duration
    /// The most one call may spend waiting out 429s; past it the call fails with rate_limited.
    public var maxRateLimitWait: Duration

    /// The defaults: 3 read attempts, 3 rate-limit retries, 250 ms doubling up to 4 s, at most
    /// 15 s waiting out 429s in one call.
    public init(
        maxReadAttempts: Int = 3, maxRateLimitRetries: Int = 3, baseDelay: Duration = .milliseconds(250),
        maxDelay: Duration = .seconds(4), maxRateLimitWait: Duration = .seconds(15)
    ) {
        self.maxReadAttempts = maxReadAttempts
        self.maxRateLimitRetries = maxRateLimitRetries
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRateLimitWait = maxRateLimitWait
    }

    /// Never retry anything but the 401 refresh.
    public static let none = SchwabRetryPolicy(maxReadAttempts: 1, maxRateLimitRetries: 0)

    /// What happened to one attempt.
    public enum Outcome: Sendable, Equatable {
        /// Schwab answered with a non-2xx status and, maybe, a `Retry-After` value.
        case status(Int, retryAfter: String?)
        /// No answer arrived.
        case transport(UpstreamError.Kind)
    }

    /// What to do next.
    public enum Decision: Sendable, Equatable {
        /// Get a new access token, then send again at once.
        case refreshToken
        /// Wait this long, then send again.
        case retry(after: Duration)
        /// Give up: the outcome becomes the caller's error.
        case fail
    }

    /// What one call has used up so far.
    public struct State: Sendable, Equatable {
        /// Attempts made so far.
        public var attempts = 1
        /// Whether the one 401 refresh was used.
        public var refreshed = false
        /// Retries after 5xx or network errors.
        public var transientRetries = 0
        /// Retries after 429.
        public var rateLimitRetries = 0
        /// Time spent waiting out 429s.
        public var rateLimitWaited: Duration = .zero

        /// A call before its first outcome.
        public init() {}
    }

    /// The decision after `outcome` of a request (`idempotent`: a read), given `state`; `random`
    /// is a number in 0..<1 for the jitter. `state` is updated for the decision taken.
    public func decide(
        _ outcome: Outcome, idempotent: Bool, state: inout State, random: Double
    ) -> Decision {
        let decision = decision(outcome, idempotent: idempotent, state: state, random: random)
        switch decision {
        case .refreshToken:
            state.refreshed = true
            state.attempts += 1
        case .retry(let delay):
            state.attempts += 1
            if case .status(429, _) = outcome {
                state.rateLimitRetries += 1
                state.rateLimitWaited += delay
            } else {
                state.transientRetries += 1
            }
        case .fail: break
        }
        return decision
    }

    private func decision(_ outcome: Outcome, idempotent: Bool, state: State, random: Double) -> Decision {
        switch outcome {
        case .status(401, _):
            return state.refreshed ? .fail : .refreshToken
        case .status(429, let retryAfter):
            guard idempotent, state.rateLimitRetries < maxRateLimitRetries else { return .fail }
            let backoff = step(state.rateLimitRetries, random: random)
            let delay: Duration
            if let seconds = retryAfter.flatMap(Self.retryAfterSeconds) {
                // Never earlier than Schwab asked; the jitter spreads callers after that.
                delay = .seconds(seconds) + baseDelay * random
            } else {
                delay = backoff
            }
            guard state.rateLimitWaited + delay <= maxRateLimitWait else { return .fail }
            return .retry(after: delay)
        case .status(let status, _):
            guard idempotent, [500, 502, 503, 504].contains(status) else { return .fail }
            return transientRetry(state: state, random: random)
        case .transport(let kind):
            guard idempotent, [.connect, .timeout, .network].contains(kind) else { return .fail }
            return transientRetry(state: state, random: random)
        }
    }

    private func transientRetry(state: State, random: Double) -> Decision {
        guard state.transientRetries + 1 < maxReadAttempts else { return .fail }
        return .retry(after: step(state.transientRetries, random: random))
    }

    /// The `n`th backoff step (from 0): `min(maxDelay, baseDelay * 2^n)`, half fixed and half
    /// scaled by `random`.
    public func step(_ n: Int, random: Double) -> Duration {
        var full = baseDelay
        for _ in 0..<min(n, 30) where full < maxDelay { full *= 2 }
        if full > maxDelay { full = maxDelay }
        let clamped = min(max(random, 0), 1)
        return full / 2 + (full / 2) * clamped
    }

    /// `Retry-After` as whole seconds when it is delta-seconds (RFC 9110 §10.2.3); nil for an
    /// HTTP-date or garbage, which fall back to the backoff step. Capped at one hour.
    public static func retryAfterSeconds(_ value: String) -> Int? {
        let trimmed = value[...].trimmingSpaces
        guard !trimmed.isEmpty, trimmed.count <= 10, trimmed.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            let seconds = Int(trimmed)
        else { return nil }
        return min(seconds, 3600)
    }
}
