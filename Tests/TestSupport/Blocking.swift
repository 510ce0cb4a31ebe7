import Foundation

/// Runs blocking work (a child process, a blocking socket, a file read to EOF) on a thread of its
/// own and awaits its result without holding a thread of the cooperative pool.
///
/// Why: Swift Testing runs test functions in parallel on the cooperative pool, which has only as
/// many threads as cores (two on the build machines). A test that blocks one of those threads —
/// waiting for curl, python or openssl, reading a socket, sleeping — starves every other piece of
/// async work in the process, including an in-process `HTTPServer`'s `.later` replies and stream
/// tasks. Their clients then time out, and suites that pass alone fail together. Anything that may
/// block for more than a moment goes through `blocking {}`.
public func blocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try work() }) }
        thread.start()
    }
}

/// Polls `condition` every 20 ms until it holds or `timeout` seconds pass, sleeping with
/// `Task.sleep` in between so no pool thread is held; returns whether it held.
///
/// Why: a polling loop with `usleep` blocks a cooperative-pool thread for its whole wait (see
/// `blocking`). Use this to wait for a child to come up or a server to settle, never to assert how
/// fast something happens (timing belongs in `scripts/bench`). `condition` must itself be quick.
/// The default bound is `TestSupport.hangTimeout`: it only says when to give up on a hang, so a
/// loaded machine never turns a slow success into a failure.
public func eventually(timeout: Double = TestSupport.hangTimeout, _ condition: () -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return condition()
}
