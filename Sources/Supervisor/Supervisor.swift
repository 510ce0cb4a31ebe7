import Dispatch
import EdgeCore
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a list of processes as one stack: starts them in order, each after the previous one is
/// ready; restarts one that exits by itself with exponential backoff (`RestartPolicy`); and on
/// `stop()` drains them in reverse order (SIGTERM, up to the grace period, then SIGKILL).
///
/// Children are forked with `PR_SET_PDEATHSIG`, so they die with the supervisor even when it is
/// killed with SIGKILL. Their stderr passes through to ours line by line; our own lines are JSON
/// records from the logger we are given (label `up`).
public final class Supervisor: Sendable {
    /// Timeouts and backoff.
    public struct Options: Sendable {
        /// How long a stopping child may drain before SIGKILL.
        public var grace: Duration
        /// How long a starting child may take to pass its readiness probe.
        public var readinessTimeout: Duration
        /// The restart backoff.
        public var restart: RestartPolicy.Configuration
        /// Where the grace period, the readiness timeout and the wait for a dead child's last log
        /// lines read the time; the system's monotonic clock unless given otherwise.
        ///
        /// A seam for tests: with a clock they move by hand, "killed after the grace" happens when
        /// the test says the grace is over (after it saw the child ignore SIGTERM), never because
        /// a loaded machine took longer than the grace to run the child's handler.
        public var now: @Sendable () -> ContinuousClock.Instant

        /// 10 s grace, 30 s to get ready, the default backoff, the system clock, unless given
        /// otherwise.
        public init(
            grace: Duration = .seconds(10), readinessTimeout: Duration = .seconds(30),
            restart: RestartPolicy.Configuration = .init(),
            now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
        ) {
            self.grace = grace
            self.readinessTimeout = readinessTimeout
            self.restart = restart
            self.now = now
        }
    }

    private enum Phase { case idle, starting, running, draining, stopped }

    let children: [SupervisedChild]
    let options: Options
    let logger: Logger
    /// Called once when every process is ready (`up` prints its banner), before `run()` waits.
    let whenStarted: @Sendable () -> Void
    let launcher = ChildLauncher()
    private let phase = Mutex(Phase.idle)
    private let stopRequested = Atomic<Bool>(false)
    private let drained = DispatchSemaphore(value: 0)

    /// A supervisor for `processes`, started in the order given; `whenStarted` runs once all are
    /// ready (see `run()`).
    public init(
        processes: [ProcessSpec], options: Options = Options(), logger: Logger,
        whenStarted: @escaping @Sendable () -> Void = {}
    ) {
        children = processes.map { SupervisedChild(spec: $0, restart: options.restart) }
        self.options = options
        self.logger = logger
        self.whenStarted = whenStarted
    }

    /// Starts every process in order, waiting for each to be ready; on any failure stops those
    /// already started (in reverse order) and throws an error naming the process.
    public func start() throws(SupervisorError) {
        guard
            phase.withLock({ phase in
                guard phase == .idle else { return false }
                phase = .starting
                return true
            })
        else { return }
        for child in children {
            do throws(SupervisorError) {
                guard !stopRequested.load(ordering: .acquiring) else {
                    throw SupervisorError(.interrupted, "stopped while starting, before \(child.spec.name)")
                }
                try spawn(child)
                try awaitReady(child)
            } catch {
                logger.error(
                    "could not start the stack",
                    [("process", .string(child.spec.name)), ("reason", .string(error.message))])
                drain()
                throw error
            }
        }
        phase.withLock { if $0 == .starting { $0 = .running } }
        if stopRequested.load(ordering: .acquiring) { drain() }
    }

    /// Begins the drain from any thread (a signal handler's queue, say); returns at once.
    public func stop() {
        stopRequested.store(true, ordering: .releasing)
        let drainNow = phase.withLock { $0 == .running || $0 == .idle }
        if drainNow { Thread { [self] in drain() }.start() }
    }

    /// Blocks until the stack has been drained.
    public func waitUntilStopped() {
        drained.wait()
        drained.signal()
    }

    /// The pid running the process named `name` now, if any.
    public func pid(of name: String) -> pid_t? {
        children.first { $0.spec.name == name }?.pid
    }

    /// Moves to draining; false when another caller already drains (or drained).
    func phaseToDraining() -> Bool {
        phase.withLock { phase in
            guard phase != .draining && phase != .stopped else { return false }
            phase = .draining
            return true
        }
    }

    /// Records the end of the drain and wakes `waitUntilStopped`.
    func markStopped() {
        phase.withLock { $0 = .stopped }
        logger.info("all processes stopped")
        drained.signal()
    }

    private func awaitReady(_ child: SupervisedChild) throws(SupervisorError) {
        let deadline = options.now() + options.readinessTimeout
        while true {
            if child.probeReady() {
                child.state.withLock { $0.ready = true }
                logger.info("ready", [("process", .string(child.spec.name))])
                return
            }
            if child.state.withLock({ $0.pid }) == nil {
                child.state.withLock { $0.relay }?.waitUntilDrained(timeout: .seconds(1), now: options.now)
            }
            let (pid, exit, lines) = child.state.withLock { ($0.pid, $0.lastExit, $0.relay?.lastLines ?? []) }
            if pid == nil {
                let tail = lines.isEmpty ? "" : "; its last lines: " + lines.joined(separator: " | ")
                throw SupervisorError(
                    .exitedBeforeReady,
                    "\(child.spec.name) stopped (\(exit?.description ?? "unknown")) before it was ready\(tail)")
            }
            if stopRequested.load(ordering: .acquiring) {
                throw SupervisorError(.interrupted, "stopped while waiting for \(child.spec.name) to be ready")
            }
            guard options.now() < deadline else {
                throw SupervisorError(
                    .notReady,
                    "\(child.spec.name) did not show \(child.spec.readiness) within \(options.readinessTimeout)")
            }
            usleep(20_000)
        }
    }
}
