import Foundation
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `schwab-mcp up` as a real process with real children: kv, the sandbox, and the hosts and
/// router when this build has them.
@Suite struct UpCommandTests {
    @Test func upStartsTheStackPrintsTheBannerAndDrainsInReverseOrderOnSIGTERM() async throws {
        let stack = try UpStack()
        #expect(await pollUntil(timeout: 60) { stack.isUp || !stack.child.isRunning }, "\(stack.child.stderrText)")
        let banner = stack.child.stderrText
        #expect(banner.contains("http://127.0.0.1:\(stack.routerPort)/mcp"))
        #expect(banner.contains("http://127.0.0.1:\(stack.routerPort)/health"))
        #expect(banner.contains("http://127.0.0.1:\(stack.sandboxPort)"))
        #expect(banner.contains("alex"))
        #expect(banner.contains(stack.dataDir))
        #expect(banner.contains("kill -TERM \(stack.child.pid)"))
        #expect(TestSupport.isListening(port: stack.sandboxPort))
        #expect(FileManager.default.fileExists(atPath: stack.socketDir + "/kv.sock"))
        let attributes = try FileManager.default.attributesOfItem(atPath: stack.socketDir)
        #expect((attributes[.posixPermissions] as? Int) == 0o700)
        if try await offPool({ UpStack.buildHasRouter }) {
            let health = try await offPool {
                try TestSupport.run(
                    "/usr/bin/curl", ["-sS", "--max-time", "10", "http://127.0.0.1:\(stack.routerPort)/health"])
            }
            #expect(health.output == "ok\n")
        }
        let started = stack.supervisorRecords("started").compactMap { $0["process"] as? String }
        #expect(started.first == "kv")
        #expect(started.contains("sandbox"))

        stack.child.signal(SIGTERM)
        #expect(await pollUntil(timeout: 30) { !stack.child.isRunning })
        #expect(stack.child.process.terminationStatus == 0)
        let stopping = stack.supervisorRecords("stopping").compactMap { $0["process"] as? String }
        #expect(stopping == started.reversed())
        #expect(stack.supervisorRecords("all processes stopped").count == 1)
        for name in started { #expect(stack.startedPids(name).allSatisfy(processIsGone)) }
    }

    @Test func aChildKilledWithSIGKILLIsRestartedAsANewProcess() async throws {
        let stack = try UpStack()
        #expect(await pollUntil(timeout: 60) { stack.isUp || !stack.child.isRunning }, "\(stack.child.stderrText)")
        let first = try #require(stack.startedPids("sandbox").first)
        kill(first, SIGKILL)
        #expect(await pollUntil(timeout: 30) { stack.startedPids("sandbox").count == 2 }, "\(stack.child.stderrText)")
        let second = try #require(stack.startedPids("sandbox").last)
        #expect(second != first)
        #expect(await pollUntil(timeout: 30) { TestSupport.isListening(port: stack.sandboxPort) })
        let restart = stack.supervisorRecords("exited unexpectedly; restarting").first
        #expect(restart?["process"] as? String == "sandbox")
        #expect(restart?["status"] as? String == "signal 9")
        #expect(restart?["delaySeconds"] as? Double == 0.25)
        stack.child.signal(SIGTERM)
        #expect(await pollUntil(timeout: 30) { !stack.child.isRunning })
        #expect(stack.child.process.terminationStatus == 0)
        #expect(processIsGone(second))
    }

    @Test func childrenDieWithTheSupervisorEvenWhenItIsKilled() async throws {
        let stack = try UpStack()
        #expect(await pollUntil(timeout: 60) { stack.isUp || !stack.child.isRunning }, "\(stack.child.stderrText)")
        let pids = stack.supervisorRecords("started").compactMap { ($0["pid"] as? Int).map(Int32.init) }
        #expect(pids.count >= 2)
        kill(stack.child.pid, SIGKILL)
        #expect(await pollUntil(timeout: 30) { pids.allSatisfy(processIsGone) })
    }

    @Test func aBadConfigurationExitsWith1ListingEveryProblemAndStartsNothing() async throws {
        let stack = try UpStack(
            extraRuntime: "idle_timeout = \"soon\"", arguments: ["--hosts", "0", "--log-level", "loud"])
        #expect(await pollUntil(timeout: 30) { !stack.child.isRunning })
        #expect(stack.child.process.terminationStatus == 1)
        let text = stack.child.stderrText
        #expect(text.contains("idle_timeout"))
        #expect(text.contains("--log-level"))
        #expect(text.contains("--hosts"))
        #expect(text.contains("nothing was started"))
        #expect(stack.supervisorRecords("started").isEmpty)
        #expect(!FileManager.default.fileExists(atPath: stack.socketDir))
    }

    @Test func aPortAlreadyInUseIsNamedAndNothingStarts() async throws {
        let held = Mutex<Int32>(-1)
        let stack = try UpStack { _, sandboxPort in held.withLock { $0 = occupyPort(sandboxPort) } }
        defer { close(held.withLock { $0 }) }
        #expect(await pollUntil(timeout: 30) { !stack.child.isRunning })
        #expect(stack.child.process.terminationStatus == 1)
        let text = stack.child.stderrText
        #expect(text.contains("port \(stack.sandboxPort) on 127.0.0.1 is already in use"), "\(text)")
        #expect(text.contains("--sandbox-port"))
        #expect(stack.supervisorRecords("started").isEmpty)
    }
}
