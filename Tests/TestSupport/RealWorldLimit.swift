import Foundation
import Synchronization
import Testing

/// A suite or test trait that lets only a few tests with real worlds (child processes, servers on
/// sockets, curl and python runs) run at the same moment; pure tests are not held back.
///
/// Why: once no test blocks the cooperative pool, Swift Testing starts every test at once. On a
/// two-core machine that means dozens of kv, sandbox and python children, in-process servers and
/// curl runs all starting together; each gets a sliver of CPU, and bounds that hold on a quiet
/// machine (a lease's few seconds, curl's `--max-time`) run out while the herd settles. A test
/// waits for a slot with `await` (no pool thread is held) and keeps it for its whole body, so a
/// test that needs several children never deadlocks against another one. Apply it as
/// `@Suite(.realWorld)`; it applies to each test case of the suite.
public struct RealWorldLimit: SuiteTrait, TestTrait, TestScoping {
    /// Recursive, so the slot is taken per test case rather than once for the whole suite.
    public var isRecursive: Bool { true }

    /// Only test cases take a slot; the suite itself (no test case) runs unscoped.
    public func scopeProvider(for test: Test, testCase: Test.Case?) -> RealWorldLimit? {
        testCase == nil ? nil : self
    }

    /// Waits for a slot, runs the test case, and frees the slot however the case ended.
    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        await RealWorldSlots.shared.acquire()
        defer { RealWorldSlots.shared.release() }
        try await function()
    }
}

extension Trait where Self == RealWorldLimit {
    /// Limits how many tests with real processes and sockets run at once (see `RealWorldLimit`).
    public static var realWorld: RealWorldLimit { RealWorldLimit() }
}

/// A counting semaphore whose waiters suspend (a continuation each) instead of blocking a thread.
final class RealWorldSlots: Sendable {
    /// Four slots: enough to overlap the tests' waiting on I/O, few enough for two cores.
    /// `SCHWAB_MCP_TEST_WORLDS` overrides it (at least 1).
    static let shared = RealWorldSlots(
        count: max(1, Int(ProcessInfo.processInfo.environment["SCHWAB_MCP_TEST_WORLDS"] ?? "") ?? 4))

    private let state: Mutex<(free: Int, waiters: [CheckedContinuation<Void, Never>])>

    init(count: Int) { state = Mutex((count, [])) }

    /// Takes a slot, suspending until one is free.
    func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let granted = state.withLock { state -> Bool in
                if state.free > 0 {
                    state.free -= 1
                    return true
                }
                state.waiters.append(continuation)
                return false
            }
            if granted { continuation.resume() }
        }
    }

    /// Frees a slot: hands it straight to the longest waiter, if any.
    func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if state.waiters.isEmpty {
                state.free += 1
                return nil
            }
            return state.waiters.removeFirst()
        }
        next?.resume()
    }
}
