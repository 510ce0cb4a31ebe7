import Foundation
import Synchronization
import TestSupport
import Testing

@testable import EdgeNet

#if canImport(Glibc)
    import Glibc
#endif

/// Records what a loop did, readable from the test's thread.
final class LoopRecorder: Sendable {
    let items = Mutex<[String]>([])
    func add(_ item: String) { items.withLock { $0.append(item) } }
    var all: [String] { items.withLock { $0 } }
}

/// Two counters shared between threads.
final class LoopCounters: Sendable {
    let ran = Atomic<Int>(0)
    let offLoop = Atomic<Int>(0)
}

/// Reads a pipe when the loop says it is readable.
final class PipeReader: EventLoopHandler {
    let fd: Int32
    let recorder: LoopRecorder
    init(fd: Int32, recorder: LoopRecorder) {
        self.fd = fd
        self.recorder = recorder
    }
    func handleEvents(_ events: UInt32) {
        var buffer = [UInt8](repeating: 0, count: 64)
        let n = read(fd, &buffer, 64)
        if n > 0 { recorder.add("read:" + String(decoding: buffer[0..<n], as: UTF8.self)) }
    }
}

@Suite("EventLoop and its timers", .realWorld)
struct EventLoopTests {
    @Test(
        "timers fire in deadline order whatever order they were armed in, and cancelled ones never fire",
        arguments: [[3, 1, 2], [1, 2, 3], [2, 2, 1], [5, 4, 3, 2, 1]])
    func timerOrder(offsets: [Int]) {
        var queue = TimerQueue()
        var fired: [Int] = []
        var ids: [UInt64] = []
        for (index, offset) in offsets.enumerated() {
            ids.append(queue.schedule(at: UInt64(offset * 10)) { fired.append(index) })
        }
        let cancelled = offsets.count - 1
        queue.cancel(ids[cancelled])
        #expect(
            queue.nextDeadline()
                == UInt64(offsets.enumerated().filter { $0.offset != cancelled }.map(\.element).min()! * 10))
        for action in queue.expired(now: UInt64.max) { action() }
        let expected = offsets.enumerated().filter { $0.offset != cancelled }
            .sorted { ($0.element, $0.offset) < ($1.element, $1.offset) }.map(\.offset)
        #expect(fired == expected)
        #expect(queue.count == 0)
        #expect(queue.nextDeadline() == nil)
    }

    @Test("expired(now:) returns only timers whose deadline has come")
    func timersNotYetDue() {
        var queue = TimerQueue()
        var fired: [Int] = []
        _ = queue.schedule(at: 100) { fired.append(100) }
        _ = queue.schedule(at: 200) { fired.append(200) }
        for action in queue.expired(now: 150) { action() }
        #expect(fired == [100])
        #expect(queue.nextDeadline() == 200)
    }

    @Test("work sent from many threads runs on the loop's thread, all of it")
    func executeFromOtherThreads() async throws {
        let loop = try EventLoop(name: "test-loop")
        loop.start()
        defer {
            loop.stop()
            loop.waitUntilStopped()
        }
        let counters = LoopCounters()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    for _ in 0..<500 {
                        loop.execute {
                            if !loop.inLoop { counters.offLoop.add(1, ordering: .relaxed) }
                            counters.ran.add(1, ordering: .relaxed)
                        }
                    }
                }
            }
        }
        #expect(await eventually { counters.ran.load(ordering: .relaxed) == 4000 })
        #expect(counters.offLoop.load(ordering: .relaxed) == 0)
        #expect(!loop.inLoop)
    }

    @Test("a registered descriptor's handler hears about data; a timer armed on the loop fires")
    func descriptorsAndTimers() async throws {
        let loop = try EventLoop(name: "test-loop")
        loop.start()
        defer {
            loop.stop()
            loop.waitUntilStopped()
        }
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let (readEnd, writeEnd) = (fds[0], fds[1])
        defer {
            close(readEnd)
            close(writeEnd)
        }
        let recorder = LoopRecorder()
        loop.execute {
            let reader = PipeReader(fd: readEnd, recorder: recorder)
            try? loop.register(readEnd, events: EventLoop.readable, handler: reader)
            loop.schedule(at: MonotonicClock.deadline(after: .milliseconds(50))) { recorder.add("timer") }
            let cancelled = loop.schedule(at: MonotonicClock.deadline(after: .milliseconds(10))) {
                recorder.add("cancelled")
            }
            loop.cancelTimer(cancelled)
        }
        _ = "ping".withCString { write(writeEnd, $0, 4) }
        #expect(await eventually { recorder.all.contains("read:ping") && recorder.all.contains("timer") })
        #expect(!recorder.all.contains("cancelled"))
        loop.execute { loop.deregister(readEnd) }
    }
}
