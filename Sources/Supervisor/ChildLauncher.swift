import CShims
import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Forks every child from one long-lived thread.
///
/// The kernel sends a child's `PR_SET_PDEATHSIG` when the *thread* that forked it exits, not the
/// process (prctl(2)), so spawning from a Dispatch worker that the pool later retires would
/// signal a healthy child. One dedicated thread lives as long as the supervisor.
final class ChildLauncher: Sendable {
    private struct Request: Sendable {
        let spec: ProcessSpec
        let stderrFD: Int32
        let reply: @Sendable (Result<pid_t, SupervisorError>) -> Void
    }

    private let queue = Mutex<[Request]>([])
    private let wake = DispatchSemaphore(value: 0)

    init() {
        let thread = Thread { [self] in loop() }
        thread.name = "up-launcher"
        thread.start()
    }

    /// Starts `spec` with its stderr on `stderrFD` and stdout on ours; blocks until forked.
    func launch(_ spec: ProcessSpec, stderrFD: Int32) throws(SupervisorError) -> pid_t {
        let result = Mutex<Result<pid_t, SupervisorError>?>(nil)
        let done = DispatchSemaphore(value: 0)
        queue.withLock {
            $0.append(
                Request(spec: spec, stderrFD: stderrFD) { outcome in
                    result.withLock { $0 = outcome }
                    done.signal()
                })
        }
        wake.signal()
        done.wait()
        return try result.withLock { $0! }.get()
    }

    private func loop() {
        while true {
            wake.wait()
            let requests = queue.withLock { pending in
                defer { pending.removeAll() }
                return pending
            }
            for request in requests { request.reply(Self.fork(request.spec, stderrFD: request.stderrFD)) }
        }
    }

    private static func fork(_ spec: ProcessSpec, stderrFD: Int32) -> Result<pid_t, SupervisorError> {
        guard access(spec.executable, X_OK) == 0 else {
            return .failure(
                SupervisorError(
                    .spawnFailed, "\(spec.name): cannot run \(spec.executable): \(String(cString: strerror(errno)))"))
        }
        var environment = ProcessInfo.processInfo.environment
        for (key, value) in spec.environment { environment[key] = value }
        let argv = ([spec.executable] + spec.arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        let pid = cshims_spawn_supervised(spec.executable, argv, envp, 1, stderrFD, SIGTERM)
        guard pid > 0 else {
            return .failure(
                SupervisorError(.spawnFailed, "\(spec.name): fork failed: \(String(cString: strerror(errno)))"))
        }
        return .success(pid)
    }
}
