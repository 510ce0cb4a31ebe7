/// When to restart a child that exited by itself: exponential backoff, reset once a child has
/// stayed up long enough to count as healthy.
///
/// A pure state machine with the clock passed in, so tests drive it through crash loops and
/// long quiet runs without waiting. The numbers follow systemd's and supervisord's practice of
/// a short first delay that grows, so a child that fails at once does not spin the CPU, while
/// a child that crashes once after a long healthy run comes back almost at once.
public struct RestartPolicy: Sendable, Equatable {
    /// The backoff's shape.
    public struct Configuration: Sendable, Equatable {
        /// The delay before the first restart after a healthy run.
        public var initialDelay: Duration
        /// The cap the doubling stops at.
        public var maximumDelay: Duration
        /// How long a child must stay up for the next crash to start from `initialDelay` again.
        public var stableAfter: Duration

        /// 0.25 s doubling to 30 s, reset after 60 s up, unless given otherwise.
        public init(
            initialDelay: Duration = .milliseconds(250), maximumDelay: Duration = .seconds(30),
            stableAfter: Duration = .seconds(60)
        ) {
            self.initialDelay = initialDelay
            self.maximumDelay = maximumDelay
            self.stableAfter = stableAfter
        }
    }

    /// What the supervisor does after an exit.
    public enum Action: Sendable, Equatable {
        /// Start the child again after this delay.
        case restart(after: Duration)
        /// Nothing: the exit was expected (the child was being stopped) or none was running.
        case none
    }

    enum State: Sendable, Equatable {
        /// Not running; the next crash (after a start) waits `nextDelay`.
        case stopped(nextDelay: Duration)
        /// Running since `since`; a crash now waits `nextDelay` unless it ran long enough.
        case running(since: ContinuousClock.Instant, nextDelay: Duration)
        /// Asked to stop: exits are expected and never restarted.
        case stopping
    }

    /// The backoff's shape.
    public let configuration: Configuration
    private(set) var state: State

    /// A policy for a child not started yet.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        state = .stopped(nextDelay: configuration.initialDelay)
    }

    /// The delay the next crash would wait, for log lines and tests.
    public var pendingDelay: Duration? {
        switch state {
        case .stopped(let delay), .running(_, let delay): delay
        case .stopping: nil
        }
    }

    /// Records that the child started at `now`.
    public mutating func started(at now: ContinuousClock.Instant) {
        switch state {
        case .stopped(let delay), .running(_, let delay): state = .running(since: now, nextDelay: delay)
        case .stopping: break
        }
    }

    /// Records that the child exited at `now` and says whether and when to restart it.
    public mutating func exited(at now: ContinuousClock.Instant) -> Action {
        switch state {
        case .stopping:
            return .none
        case .stopped:
            return .none
        case .running(let since, let delay):
            let wait = now - since >= configuration.stableAfter ? configuration.initialDelay : delay
            state = .stopped(nextDelay: min(wait * 2, configuration.maximumDelay))
            return .restart(after: wait)
        }
    }

    /// Records that the supervisor is stopping the child: no exit from now on is restarted.
    public mutating func stop() {
        state = .stopping
    }

    /// True once `stop()` was called.
    public var isStopping: Bool { state == .stopping }
}
