import CShims
import Dispatch
import EdgeCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

extension Supervisor {
    /// Forks `child`'s process with its stderr on a relay pipe and a thread that reaps it.
    func spawn(_ child: SupervisedChild) throws(SupervisorError) {
        var fds: [Int32] = [-1, -1]
        guard cshims_pipe_cloexec(&fds) == 0 else {
            throw SupervisorError(
                .spawnFailed, "\(child.spec.name): no pipe for its log: \(String(cString: strerror(errno)))")
        }
        let pid: pid_t
        do throws(SupervisorError) {
            pid = try launcher.launch(child.spec, stderrFD: fds[1])
        } catch {
            close(fds[0])
            close(fds[1])
            throw error
        }
        close(fds[1])
        let needle: String? = if case .logLine(let text) = child.spec.readiness { text } else { nil }
        let relay = LogRelay(readFD: fds[0], needle: needle)
        child.state.withLock { state in
            state.pid = pid
            state.relay = relay
            state.policy.started(at: .now)
        }
        logger.info("started", [("process", .string(child.spec.name)), ("pid", .int(Int(pid)))])
        let reaper = Thread { [self] in
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            // The child led a process group of its own: whatever it left behind goes with it.
            kill(-pid, SIGKILL)
            exited(child, pid: pid, status: ChildExitStatus(waitStatus: status))
        }
        reaper.name = "up-reaper"
        reaper.start()
    }

    private func exited(_ child: SupervisedChild, pid: pid_t, status: ChildExitStatus) {
        let (action, wasReady) = child.state.withLock { state in
            guard state.pid == pid else { return (RestartPolicy.Action.none, false) }
            state.pid = nil
            state.lastExit = status
            return (state.ready ? state.policy.exited(at: .now) : .none, state.ready)
        }
        let fields: [(String, JSONValue)] = [
            ("process", .string(child.spec.name)), ("pid", .int(Int(pid))), ("status", .string(status.description)),
        ]
        guard case .restart(let delay) = action else {
            if wasReady { logger.info("stopped", fields) } else { logger.warn("exited before it was ready", fields) }
            return
        }
        logger.warn("exited unexpectedly; restarting", fields + [("delaySeconds", .double(delay.seconds))])
        DispatchQueue.global().asyncAfter(deadline: .now() + delay.seconds) { [self] in restart(child) }
    }

    private func restart(_ child: SupervisedChild) {
        child.spawnLock.lock()
        defer { child.spawnLock.unlock() }
        guard !child.state.withLock({ $0.policy.isStopping || $0.pid != nil }) else { return }
        do throws(SupervisorError) {
            try spawn(child)
        } catch {
            logger.error("restart failed", [("process", .string(child.spec.name)), ("reason", .string(error.message))])
            let delay = child.state.withLock { $0.policy.pendingDelay } ?? .seconds(1)
            DispatchQueue.global().asyncAfter(deadline: .now() + delay.seconds) { [self] in restart(child) }
        }
    }

    /// Stops every child in reverse start order: SIGTERM, up to the grace period, then SIGKILL,
    /// each sent to the child's process group so nothing it started outlives it.
    /// The first caller drains; any other waits for it.
    func drain() {
        let first = phaseToDraining()
        guard first else {
            waitUntilStopped()
            return
        }
        for child in children.reversed() {
            child.spawnLock.lock()
            let pid = child.state.withLock { state in
                state.policy.stop()
                return state.pid
            }
            child.spawnLock.unlock()
            guard let pid else { continue }
            logger.info("stopping", [("process", .string(child.spec.name)), ("pid", .int(Int(pid)))])
            kill(-pid, SIGTERM)
            if !awaitExit(child, within: options.grace) {
                logger.warn(
                    "did not stop within the grace period; killing",
                    [("process", .string(child.spec.name)), ("pid", .int(Int(pid)))])
                kill(-pid, SIGKILL)
                _ = awaitExit(child, within: .seconds(5))
            }
        }
        markStopped()
    }

    private func awaitExit(_ child: SupervisedChild, within limit: Duration) -> Bool {
        let deadline = options.now() + limit
        while child.pid != nil {
            guard options.now() < deadline else { return false }
            usleep(10_000)
        }
        return true
    }
}

extension Duration {
    /// The duration in seconds as a Double, for Dispatch deadlines and log fields.
    var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }
}
