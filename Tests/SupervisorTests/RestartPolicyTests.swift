import Supervisor
import Testing

@Suite struct RestartPolicyTests {
    let start = ContinuousClock.now

    /// Crashes `count` times, each `uptime` after the restart, and returns the delays asked for.
    func delays(crashes count: Int, uptime: Duration, policy: inout RestartPolicy) -> [Duration] {
        var now = start
        var waits: [Duration] = []
        policy.started(at: now)
        for _ in 0..<count {
            now += uptime
            guard case .restart(let wait) = policy.exited(at: now) else { return waits }
            waits.append(wait)
            now += wait
            policy.started(at: now)
        }
        return waits
    }

    @Test func aCrashLoopDoublesTheDelayFromAQuarterSecondUpToThirtySeconds() {
        var policy = RestartPolicy()
        let waits = delays(crashes: 11, uptime: .milliseconds(100), policy: &policy)
        #expect(
            waits == [
                .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(8),
                .seconds(16), .seconds(30), .seconds(30), .seconds(30), .seconds(30),
            ])
    }

    @Test(arguments: [
        (Duration.seconds(59), Duration.seconds(4)), (.seconds(60), .milliseconds(250)),
        (.seconds(3600), .milliseconds(250)),
    ])
    func aChildThatStayedUpLongEnoughStartsTheBackoffOver(uptime: Duration, expected: Duration) {
        var policy = RestartPolicy()
        _ = delays(crashes: 4, uptime: .milliseconds(10), policy: &policy)  // next delay is 4 s
        let now = start + .seconds(100)
        policy.started(at: now)
        #expect(policy.exited(at: now + uptime) == .restart(after: expected))
    }

    @Test func anExitAfterStopIsNeverRestarted() {
        var policy = RestartPolicy()
        policy.started(at: start)
        policy.stop()
        #expect(policy.exited(at: start + .seconds(1)) == .none)
        policy.started(at: start + .seconds(2))
        #expect(policy.exited(at: start + .seconds(3)) == .none)
        #expect(policy.isStopping)
    }

    @Test func anExitWithoutAStartAsksForNothing() {
        var policy = RestartPolicy()
        #expect(policy.exited(at: start) == .none)
        #expect(policy.pendingDelay == .milliseconds(250))
    }

    @Test func aCustomShapeIsFollowed() {
        var policy = RestartPolicy(
            configuration: .init(initialDelay: .seconds(1), maximumDelay: .seconds(3), stableAfter: .seconds(5)))
        let waits = delays(crashes: 4, uptime: .seconds(1), policy: &policy)
        #expect(waits == [.seconds(1), .seconds(2), .seconds(3), .seconds(3)])
    }

    @Test(arguments: [
        (Int32(0), ChildExitStatus.exited(0)), (256 * 3, .exited(3)), (9, .signalled(9)), (15, .signalled(15)),
    ])
    func waitStatusesDecode(raw: Int32, expected: ChildExitStatus) {
        #expect(ChildExitStatus(waitStatus: raw) == expected)
    }
}
