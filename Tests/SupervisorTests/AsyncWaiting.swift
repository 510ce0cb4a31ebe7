import Foundation

// Until the `infra` branch (TestSupport's `blocking` and `eventually`) merges cleanly here, the
// two helpers under names of their own; this file goes once it does.

/// Runs blocking work (waiting for a child, a blocking socket) on a thread of its own and awaits
/// it, so no cooperative-pool thread is held.
func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try work() }) }
        thread.start()
    }
}

/// Polls `condition` every 20 ms without blocking a pool thread until it holds or `timeout`
/// seconds pass; returns whether it held. For waiting, never for asserting speed.
func pollUntil(timeout: Double = 15, _ condition: () -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return condition()
}
