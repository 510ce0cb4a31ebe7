/// One process the supervisor runs: what to execute, with which environment, and how to tell
/// that it is ready to serve.
///
/// Specs are plain values so the start plan (`StackPlan`) stays pure and testable; the
/// `Supervisor` turns them into processes.
public struct ProcessSpec: Sendable, Equatable {
    /// The name in log lines and the banner (`kv`, `host-2`, `router`, `sandbox`).
    public var name: String
    /// The absolute path of the program.
    public var executable: String
    /// The arguments after the program name.
    public var arguments: [String]
    /// Variables added to (or replacing those of) the supervisor's own environment.
    public var environment: [String: String]
    /// How the supervisor knows the process is ready before it starts the next one.
    public var readiness: ReadinessProbe

    /// A spec for `executable arguments...` with extra `environment`, ready when `readiness` holds.
    public init(
        name: String, executable: String, arguments: [String], environment: [String: String] = [:],
        readiness: ReadinessProbe
    ) {
        self.name = name
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.readiness = readiness
    }
}

/// How a started process shows it is ready: the order of start-up relies on it, since a host
/// must not start before the KV service it takes leases from accepts connections.
public enum ReadinessProbe: Sendable, Equatable {
    /// Ready as soon as it runs (nothing to wait for).
    case immediately
    /// Ready when a Unix socket at the path accepts a connection (a stale file does not count).
    case unixSocket(path: String)
    /// Ready when a TCP port on the address accepts a connection.
    case tcpPort(host: String, port: Int)
    /// Ready when the process writes a standard-error line containing the text.
    case logLine(containing: String)
}

extension ReadinessProbe: CustomStringConvertible {
    /// What is awaited, for the log line and the error that names a process that never got ready.
    public var description: String {
        switch self {
        case .immediately: "nothing"
        case .unixSocket(let path): "a connection on the Unix socket \(path)"
        case .tcpPort(let host, let port): "a connection on \(host):\(port)"
        case .logLine(let text): "a log line containing '\(text)'"
        }
    }
}
