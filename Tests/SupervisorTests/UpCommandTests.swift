import Foundation
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `schwab-mcp up` as a real process with real children: kv, the sandbox, two session hosts and
/// the router (with its demo routes, so a request reaches the RuntimeProbe object).
@Suite struct UpCommandTests {
    @Test func upStartsTheStackPrintsTheBannerAndDrainsInReverseOrderOnSIGTERM() async throws {
        let stack = try UpStack()
        #expect(await eventually(timeout: 60) { stack.isUp || !stack.child.isRunning }, "\(stack.child.stderrText)")
        let banner = stack.child.stderrText
        #expect(banner.contains("http://127.0.0.1:\(stack.routerPort)/mcp"))
        #expect(banner.contains("http://127.0.0.1:\(stack.routerPort)/health"))
        #expect(banner.contains("http://127.0.0.1:\(stack.sandboxPort)"))
        #expect(banner.contains("alex"))
        #expect(banner.contains("router listens on 127.0.0.1:\(stack.routerPort)"))
        #expect(banner.contains(stack.dataDir))
        #expect(banner.contains("kill -TERM \(stack.child.pid)"))
        #expect(TestSupport.isListening(port: stack.sandboxPort))
        #expect(FileManager.default.fileExists(atPath: stack.socketDir + "/kv.sock"))
        let attributes = try FileManager.default.attributesOfItem(atPath: stack.socketDir)
        #expect((attributes[.posixPermissions] as? Int) == 0o700)
        #expect(try await stack.request("GET", "/health").output.contains("\"status\":\"ok\""))
        let routed = try await stack.request("POST", "/objects/RuntimeProbe/alice/count").output
        #expect(routed.contains("\"count\":1"), "\(routed)")
        let started = stack.supervisorRecords("started").compactMap { $0["process"] as? String }
        #expect(started == ["kv", "sandbox", "host-1", "host-2", "router"])

        stack.child.signal(SIGTERM)
        #expect(await eventually { !stack.child.isRunning })
        #expect(stack.child.process.terminationStatus == 0)
        let stopping = stack.supervisorRecords("stopping").compactMap { $0["process"] as? String }
        #expect(stopping == started.reversed())
        #expect(stack.supervisorRecords("all processes stopped").count == 1)
        for name in started { #expect(stack.startedPids(name).allSatisfy(processIsGone)) }
    }

    @Test(arguments: ["sandbox", "host-2", "router"])
    func aChildKilledWithSIGKILLIsRestartedAsANewProcess(process: String) async throws {
        let stack = try UpStack()
        #expect(await eventually(timeout: 60) { stack.isUp || !stack.child.isRunning }, "\(stack.child.stderrText)")
        let first = try #require(stack.startedPids(process).first)
        kill(first, SIGKILL)
        #expect(await eventually { stack.startedPids(process).count == 2 }, "\(stack.child.stderrText)")
        let second = try #require(stack.startedPids(process).last)
        #expect(second != first)
        #expect(await eventually { TestSupport.isListening(port: stack.sandboxPort) })
        #expect(await eventually { TestSupport.isListening(port: stack.routerPort) })
        var answered = ""
        let deadline = Date().addingTimeInterval(TestSupport.hangTimeout)
        while !answered.contains("\"count\"") && Date() < deadline {
            answered = (try? await stack.request("POST", "/objects/RuntimeProbe/bob/count").output) ?? ""
            if !answered.contains("\"count\"") { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(answered.contains("\"count\""), "a routed request succeeds after the restart: \(answered)")
        let restart = stack.supervisorRecords("exited unexpectedly; restarting").first
        #expect(restart?["process"] as? String == process)
        #expect(restart?["status"] as? String == "signal 9")
        #expect(restart?["delaySeconds"] as? Double == 0.25)
        stack.child.signal(SIGTERM)
        #expect(await eventually { !stack.child.isRunning })
        #expect(stack.child.process.terminationStatus == 0)
        #expect(processIsGone(second))
    }

    @Test func childrenDieWithTheSupervisorEvenWhenItIsKilled() async throws {
        let stack = try UpStack()
        #expect(await eventually(timeout: 60) { stack.isUp || !stack.child.isRunning }, "\(stack.child.stderrText)")
        let pids = stack.supervisorRecords("started").compactMap { ($0["pid"] as? Int).map(Int32.init) }
        #expect(pids.count >= 2)
        kill(stack.child.pid, SIGKILL)
        #expect(await eventually { pids.allSatisfy(processIsGone) })
    }

    @Test func aBadConfigurationExitsWith1ListingEveryProblemAndStartsNothing() async throws {
        let stack = try UpStack(
            extraRuntime: "idle_timeout = \"soon\"", arguments: ["--hosts", "0", "--log-level", "loud"])
        #expect(await eventually { !stack.child.isRunning })
        #expect(stack.child.process.terminationStatus == 1)
        let text = stack.child.stderrText
        #expect(text.contains("idle_timeout"))
        #expect(text.contains("--log-level"))
        #expect(text.contains("--hosts"))
        #expect(text.contains("nothing was started"))
        #expect(stack.supervisorRecords("started").isEmpty)
        #expect(!FileManager.default.fileExists(atPath: stack.socketDir))
    }

    @Test(arguments: [("router", "--port"), ("sandbox", "--sandbox-port")])
    func aPortAlreadyInUseIsNamedAndNothingStarts(taken: String, flag: String) async throws {
        let held = Mutex<Int32>(-1)
        let stack = try UpStack { routerPort, sandboxPort in
            held.withLock { $0 = occupyPort(taken == "router" ? routerPort : sandboxPort) }
        }
        defer { close(held.withLock { $0 }) }
        let port = taken == "router" ? stack.routerPort : stack.sandboxPort
        #expect(await eventually { !stack.child.isRunning })
        #expect(stack.child.process.terminationStatus == 1)
        let text = stack.child.stderrText
        #expect(text.contains("port \(port) on 127.0.0.1 is already in use"), "\(text)")
        #expect(text.contains("(choose another with \(flag))"))
        #expect(stack.supervisorRecords("started").isEmpty)
    }
}
