import EdgeCore
import Foundation
import Supervisor
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The supervisor with real child processes (small `/bin/sh` programs), in this test process.
@Suite struct SupervisorProcessTests {
    /// A shell child that appends `started <name>` to `journal`, logs `<name> ready` after
    /// `delay` seconds, and on SIGTERM appends `stopped <name>` and exits 0.
    static func child(_ name: String, journal: URL, delay: Double = 0, onTerm: String? = nil) -> ProcessSpec {
        let term = onTerm ?? "echo stopped \(name) >> \(journal.path); kill $pause 2>/dev/null; exit 0"
        let script = """
            trap '\(term)' TERM
            sleep \(delay)
            echo started \(name) >> \(journal.path)
            echo '{"msg":"\(name) ready"}' >&2
            sleep 1000 & pause=$!
            while :; do wait $pause; done
            """
        return ProcessSpec(
            name: name, executable: "/bin/sh", arguments: ["-c", script],
            readiness: .logLine(containing: "\(name) ready"))
    }

    static func journalLines(_ url: URL) -> [String] {
        ((try? String(contentsOf: url, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    static func isAlive(_ pid: pid_t) -> Bool { kill(pid, 0) == 0 }

    let folder: URL
    let journal: URL
    let logger = Logger(label: "up", level: .warn)

    init() throws {
        folder = try TestSupport.temporaryDirectory("supervisor")
        journal = folder.appendingPathComponent("journal")
    }

    @Test func eachProcessStartsOnlyAfterThePreviousOneIsReady() async throws {
        let supervisor = Supervisor(
            processes: [Self.child("a", journal: journal, delay: 0.4), Self.child("b", journal: journal)],
            logger: logger)
        try await blocking { try supervisor.start() }
        #expect(Self.journalLines(journal) == ["started a", "started b"])
        supervisor.stop()
        try await blocking { supervisor.waitUntilStopped() }
    }

    // The grace ends when the test moves the clock past it, once b has shown that it ignored
    // SIGTERM: with a real 500 ms grace a loaded machine could kill b before its trap ran (no
    // "ignored b"), or kill a or c before they ran theirs. The time limit bounds a hang only.
    @Test(.timeLimit(.minutes(2)))
    func theDrainRunsInReverseOrderAndAStubbornChildIsKilledAfterTheGrace() async throws {
        let stubborn = Self.child("b", journal: journal, onTerm: "echo ignored b >> \(journal.path)")
        let clock = ManualInstant()
        let supervisor = Supervisor(
            processes: [Self.child("a", journal: journal), stubborn, Self.child("c", journal: journal)],
            options: Supervisor.Options(grace: .milliseconds(500), now: clock.now), logger: logger)
        try await blocking { try supervisor.start() }
        let pids = ["a", "b", "c"].compactMap { supervisor.pid(of: $0) }
        #expect(pids.count == 3)
        supervisor.stop()
        #expect(await eventually { Self.journalLines(journal).contains("ignored b") }, "b got SIGTERM and ignored it")
        #expect(Self.isAlive(pids[1]), "b outlives SIGTERM until the grace is over")
        clock.advance(.milliseconds(500))
        try await blocking { supervisor.waitUntilStopped() }
        #expect(
            Self.journalLines(journal) == [
                "started a", "started b", "started c", "stopped c", "ignored b", "stopped a",
            ])
        #expect(pids.allSatisfy { !Self.isAlive($0) })
        #expect(["a", "b", "c"].allSatisfy { supervisor.pid(of: $0) == nil })
    }

    @Test func aKilledChildIsRestartedAsANewProcess() async throws {
        let supervisor = Supervisor(
            processes: [Self.child("a", journal: journal)],
            options: Supervisor.Options(restart: .init(initialDelay: .milliseconds(100))), logger: logger)
        try await blocking { try supervisor.start() }
        let first = try #require(supervisor.pid(of: "a"))
        kill(first, SIGKILL)
        #expect(await eventually { (supervisor.pid(of: "a") ?? first) != first })
        #expect(await eventually { Self.journalLines(journal).count == 2 })
        let second = try #require(supervisor.pid(of: "a"))
        kill(second, SIGKILL)
        #expect(await eventually { (supervisor.pid(of: "a") ?? second) != second })
        #expect(Self.journalLines(journal).filter { $0 == "started a" }.count >= 2)
        supervisor.stop()
        try await blocking { supervisor.waitUntilStopped() }
        #expect(supervisor.pid(of: "a") == nil)
    }

    // Time stands still here: the wait for the dead child's last lines ends when its pipe does,
    // not after a second a loaded machine may need to read them. The time limit bounds a hang.
    @Test(.timeLimit(.minutes(2)))
    func aChildThatExitsBeforeItIsReadyFailsTheStartNamingItAndStopsTheOthers() async throws {
        let broken = ProcessSpec(
            name: "broken", executable: "/bin/sh",
            arguments: ["-c", "echo '{\"msg\":\"cannot open the database\"}' >&2; exit 3"],
            readiness: .unixSocket(path: folder.appendingPathComponent("none.sock").path))
        let never = ProcessSpec(
            name: "never", executable: "/bin/sh",
            arguments: ["-c", "echo started never >> \(journal.path)"], readiness: .immediately)
        let supervisor = Supervisor(
            processes: [Self.child("a", journal: journal), broken, never],
            options: Supervisor.Options(now: ManualInstant().now), logger: logger)
        let error = await #expect(throws: SupervisorError.self) { try await blocking { try supervisor.start() } }
        #expect(error?.code == .exitedBeforeReady)
        #expect(error?.message.contains("broken stopped (exit 3) before it was ready") == true)
        #expect(error?.message.contains("cannot open the database") == true)
        #expect(Self.journalLines(journal) == ["started a", "stopped a"])
        #expect(supervisor.pid(of: "a") == nil)
    }

    @Test func aProgramThatCannotRunIsReportedWithItsPath() async throws {
        let missing = ProcessSpec(
            name: "ghost", executable: folder.appendingPathComponent("no-such-binary").path, arguments: [],
            readiness: .immediately)
        let supervisor = Supervisor(processes: [missing], logger: logger)
        let error = await #expect(throws: SupervisorError.self) { try await blocking { try supervisor.start() } }
        #expect(error?.code == .spawnFailed)
        #expect(error?.message.contains("no-such-binary") == true)
    }

    @Test func aChildThatNeverGetsReadyTimesOutAndIsStopped() async throws {
        let silent = ProcessSpec(
            name: "silent", executable: "/bin/sleep", arguments: ["1000"],
            readiness: .tcpPort(host: "127.0.0.1", port: TestSupport.freePort()))
        let supervisor = Supervisor(
            processes: [silent], options: Supervisor.Options(readinessTimeout: .milliseconds(300)), logger: logger)
        let error = await #expect(throws: SupervisorError.self) { try await blocking { try supervisor.start() } }
        #expect(error?.code == .notReady)
        #expect(error?.message.contains("silent did not show a connection on 127.0.0.1:") == true)
        #expect(supervisor.pid(of: "silent") == nil)
    }
}

/// Monotonic time that moves only when the test says so, for `Supervisor.Options.now`.
final class ManualInstant: Sendable {
    private let start = ContinuousClock.now
    private let offset = Mutex<Duration>(.zero)

    /// The time source to hand the supervisor.
    var now: @Sendable () -> ContinuousClock.Instant { { [self] in start + offset.withLock { $0 } } }

    /// Moves the time forward by `duration`.
    func advance(_ duration: Duration) { offset.withLock { $0 += duration } }
}
