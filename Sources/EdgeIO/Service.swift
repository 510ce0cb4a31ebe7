import EdgeCore

#if canImport(Glibc)
    import Glibc
#endif

/// The lifecycle every process of the stack shares (router, session host, kv, sandbox,
/// supervisor): build it, `run()` it, and `shutdown()` it from anywhere.
///
/// `run()` serves until `shutdown()` is called or serving fails for good, drains what is in
/// flight, and returns; a failure to start (a busy port, a missing folder) throws from `run()`.
/// `shutdown()` may be called from any thread, before or during `run()`, and more than once.
public protocol Service: Sendable {
    /// A short name for logs (`router`, `host-1`, `kv`).
    var name: String { get }
    /// Serves until shut down, then returns once in-flight work is drained.
    func run() async throws
    /// Asks `run()` to stop accepting work, drain and return.
    func shutdown()
}

extension Service {
    /// Runs the service as the process's main part: SIGTERM or SIGINT call `shutdown()` (once
    /// logged), SIGPIPE is ignored so a peer that went away is an error on its socket.
    public func runUntilSignalled(logger: Logger) async throws {
        signal(SIGPIPE, SIG_IGN)
        let watch = SignalHandling.onTerminate { number in
            logger.info("signal received; draining", [("service", .string(name)), ("signal", .int(Int(number)))])
            shutdown()
        }
        defer { watch.cancel() }
        try await run()
    }
}
