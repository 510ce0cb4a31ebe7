import EdgeNet
import Testing

@testable import Schwab

/// The retry policy, decision by decision: what is retried, after how long, and when it stops.
@Suite struct SchwabRetryPolicyTests {
    let policy = SchwabRetryPolicy(
        maxReadAttempts: 3, maxRateLimitRetries: 3, baseDelay: .milliseconds(200), maxDelay: .seconds(2),
        maxRateLimitWait: .seconds(10))

    typealias Outcome = SchwabRetryPolicy.Outcome
    typealias Decision = SchwabRetryPolicy.Decision

    /// One outcome on a fresh call: (outcome, read?, expected decision with random = 0).
    static let firstOutcomes: [(Outcome, Bool, Decision)] = [
        (.status(401, retryAfter: nil), true, .refreshToken),
        (.status(401, retryAfter: nil), false, .refreshToken),
        (.status(403, retryAfter: nil), true, .fail),
        (.status(400, retryAfter: nil), true, .fail),
        (.status(404, retryAfter: nil), true, .fail),
        (.status(429, retryAfter: nil), true, .retry(after: .milliseconds(100))),
        (.status(429, retryAfter: "3"), true, .retry(after: .seconds(3))),
        (.status(429, retryAfter: "Wed, 21 Oct 2015 07:28:00 GMT"), true, .retry(after: .milliseconds(100))),
        (.status(429, retryAfter: "2"), false, .fail),
        (.status(500, retryAfter: nil), true, .retry(after: .milliseconds(100))),
        (.status(502, retryAfter: nil), true, .retry(after: .milliseconds(100))),
        (.status(503, retryAfter: nil), true, .retry(after: .milliseconds(100))),
        (.status(504, retryAfter: nil), true, .retry(after: .milliseconds(100))),
        (.status(501, retryAfter: nil), true, .fail),
        (.status(500, retryAfter: nil), false, .fail),
        (.status(503, retryAfter: nil), false, .fail),
        (.transport(.connect), true, .retry(after: .milliseconds(100))),
        (.transport(.timeout), true, .retry(after: .milliseconds(100))),
        (.transport(.network), true, .retry(after: .milliseconds(100))),
        (.transport(.network), false, .fail),
        (.transport(.timeout), false, .fail),
        (.transport(.tls), true, .fail),
        (.transport(.cancelled), true, .fail),
        (.transport(.invalidURL), true, .fail),
    ]

    @Test(arguments: firstOutcomes.indices)
    func theFirstFailureIsRetriedOnlyWhenSafe(_ index: Int) {
        let (outcome, idempotent, expected) = Self.firstOutcomes[index]
        var state = SchwabRetryPolicy.State()
        #expect(policy.decide(outcome, idempotent: idempotent, state: &state, random: 0) == expected)
    }

    @Test func a401IsRefreshedOnceAndTheSecondFails() {
        var state = SchwabRetryPolicy.State()
        #expect(
            policy.decide(.status(401, retryAfter: nil), idempotent: false, state: &state, random: 0.5) == .refreshToken
        )
        #expect(state.refreshed && state.attempts == 2)
        #expect(policy.decide(.status(401, retryAfter: nil), idempotent: false, state: &state, random: 0.5) == .fail)
    }

    @Test func readsStopAfterTheBoundedNumberOfAttemptsWithDoublingSteps() {
        var state = SchwabRetryPolicy.State()
        #expect(
            policy.decide(.status(503, retryAfter: nil), idempotent: true, state: &state, random: 1)
                == .retry(after: .milliseconds(200)))
        #expect(
            policy.decide(.transport(.network), idempotent: true, state: &state, random: 1)
                == .retry(after: .milliseconds(400)))
        #expect(state.attempts == 3)
        #expect(policy.decide(.status(503, retryAfter: nil), idempotent: true, state: &state, random: 1) == .fail)
    }

    @Test func aRefreshDoesNotUseUpTheTransientRetries() {
        var state = SchwabRetryPolicy.State()
        _ = policy.decide(.status(401, retryAfter: nil), idempotent: true, state: &state, random: 0)
        #expect(policy.decide(.status(500, retryAfter: nil), idempotent: true, state: &state, random: 0) != .fail)
        #expect(policy.decide(.status(500, retryAfter: nil), idempotent: true, state: &state, random: 0) != .fail)
        #expect(policy.decide(.status(500, retryAfter: nil), idempotent: true, state: &state, random: 0) == .fail)
    }

    @Test func rateLimitWaitsHonourRetryAfterAddJitterAndStopAtTheTotalBudget() {
        var state = SchwabRetryPolicy.State()
        #expect(
            policy.decide(.status(429, retryAfter: "4"), idempotent: true, state: &state, random: 0.5)
                == .retry(after: .milliseconds(4100)))
        #expect(
            policy.decide(.status(429, retryAfter: " 5 "), idempotent: true, state: &state, random: 0)
                == .retry(after: .seconds(5)))
        #expect(state.rateLimitWaited == .milliseconds(9100))
        // One more second would pass the 10 s budget.
        #expect(policy.decide(.status(429, retryAfter: "1"), idempotent: true, state: &state, random: 0) == .fail)
    }

    @Test func rateLimitRetriesAreCountedApartFromTransientOnes() {
        var state = SchwabRetryPolicy.State()
        for _ in 0..<3 {
            #expect(policy.decide(.status(429, retryAfter: nil), idempotent: true, state: &state, random: 0) != .fail)
        }
        #expect(policy.decide(.status(429, retryAfter: nil), idempotent: true, state: &state, random: 0) == .fail)
        #expect(policy.decide(.status(503, retryAfter: nil), idempotent: true, state: &state, random: 0) != .fail)
    }

    @Test(arguments: [
        (0, 0.0, Duration.milliseconds(100)), (0, 1.0, .milliseconds(200)), (1, 0.5, .milliseconds(300)),
        (2, 1.0, .milliseconds(800)), (4, 1.0, .seconds(2)), (40, 0.0, .seconds(1)), (3, 7.0, .milliseconds(1600)),
        (3, -1.0, .milliseconds(800)),
    ])
    func backoffStepsDoubleUpToTheCapWithHalfOfEachStepRandom(_ n: Int, _ random: Double, _ expected: Duration) {
        #expect(policy.step(n, random: random) == expected)
    }

    @Test(
        arguments: [
            ("0", 0), ("7", 7), (" 12 ", 12), ("99999", 3600), ("", nil), ("-1", nil), ("1.5", nil), ("soon", nil),
            ("Wed, 21 Oct 2015 07:28:00 GMT", nil), ("99999999999999999999", nil),
        ] as [(String, Int?)])
    func retryAfterIsReadAsDeltaSeconds(_ value: String, _ expected: Int?) {
        #expect(SchwabRetryPolicy.retryAfterSeconds(value) == expected)
    }

    @Test func theNonePolicyOnlyRefreshes() {
        var state = SchwabRetryPolicy.State()
        #expect(
            SchwabRetryPolicy.none.decide(.status(503, retryAfter: nil), idempotent: true, state: &state, random: 0)
                == .fail)
        #expect(
            SchwabRetryPolicy.none.decide(.status(429, retryAfter: "1"), idempotent: true, state: &state, random: 0)
                == .fail)
        #expect(
            SchwabRetryPolicy.none.decide(.status(401, retryAfter: nil), idempotent: true, state: &state, random: 0)
                == .refreshToken)
    }
}
