import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// One process slot of the stack: its spec, the pid of the process running it now (if any), and
/// its restart policy.
///
/// State lives behind a `Mutex`; `spawnLock` serialises starting a process with stopping the
/// slot, so a restart that was already scheduled can never leave a process behind a drain.
final class SupervisedChild: Sendable {
    struct State {
        var pid: pid_t?
        var policy: RestartPolicy
        var relay: LogRelay?
        /// True once the first start passed its readiness probe; an exit before that fails the start.
        var ready = false
        var lastExit: ChildExitStatus?
    }

    let spec: ProcessSpec
    let state: Mutex<State>
    let spawnLock = NSLock()

    init(spec: ProcessSpec, restart: RestartPolicy.Configuration) {
        self.spec = spec
        state = Mutex(State(policy: RestartPolicy(configuration: restart)))
    }

    /// The pid running this slot now, if any.
    var pid: pid_t? { state.withLock { $0.pid } }

    /// True when the readiness probe holds for the running process.
    func probeReady() -> Bool {
        switch spec.readiness {
        case .immediately: true
        case .unixSocket(let path): SocketProbe.acceptsUnix(path: path)
        case .tcpPort(let host, let port): SocketProbe.acceptsTCP(host: host, port: port)
        case .logLine: state.withLock { $0.relay?.sawNeedle ?? false }
        }
    }
}
