import EdgeIO
import Foundation

/// The supervisor as the `up` process's `Service`: the same `run()`/`shutdown()` lifecycle as
/// every process it supervises, so `up` wires signals through `runUntilSignalled` like they do.
extension Supervisor: Service {
    /// `up`, for logs.
    public var name: String { "up" }

    /// Starts the stack (throws when a process cannot start; those already started are stopped),
    /// calls `whenStarted`, and returns once the stack has been drained.
    ///
    /// Starting and draining block on child processes, so both run on a thread of their own and
    /// keep the cooperative pool free.
    public func run() async throws {
        try await Self.onThread { try self.start() }
        whenStarted()
        try await Self.onThread { self.waitUntilStopped() }
    }

    /// Drains the stack in reverse start order; `run()` returns when it is done.
    public func shutdown() { stop() }

    private static func onThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try work() }) }
            thread.name = "up-main"
            thread.start()
        }
    }
}
