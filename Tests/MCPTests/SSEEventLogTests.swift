import TestSupport
import Testing

@testable import MCP

@Suite("SSE event log and event ids")
struct SSEEventLogTests {
    @Test("replay returns what came after an id, oldest first, from a bounded buffer", arguments: [1, 2, 3, 5, 8])
    func replay(capacity: Int) {
        var log = SSEEventLog(capacity: capacity)
        for n in 1...7 { _ = log.append { [UInt8($0), UInt8(n)] } }
        let oldestKept = max(1, 7 - capacity + 1)
        var seen: [Int] = []
        var last = 0
        while let event = log.event(after: last) {
            seen.append(event.sequence)
            #expect(event.bytes == [UInt8(event.sequence), UInt8(event.sequence)])
            last = event.sequence
        }
        #expect(seen == Array(oldestKept...7))
        #expect(log.event(after: 7) == nil)
    }

    @Test("event ids name the stream and the sequence", arguments: ["p1", "g", "p-weird"])
    func eventIDs(key: String) {
        let channel = SSEChannel(key: key, replayCapacity: 4)
        let parsed = SSEChannel.parseEventID(channel.eventID(12))
        #expect(parsed?.key == key)
        #expect(parsed?.sequence == 12)
        #expect(SSEChannel.parseEventID("nodash") == nil)
        #expect(SSEChannel.parseEventID("p1-x") == nil)
    }

    @Test("detaching ends the attached connection after what is logged now; a resumed one follows to the close")
    func detachAndResume() async throws {
        let channel = SSEChannel(key: "p1", replayCapacity: 8)
        for n in 1...3 { channel.publish(.notification(method: "n\(n)", params: nil)) }
        channel.detachCurrent()
        let first = CollectingStream()
        await channel.pump(to: first, after: 0, heartbeat: .seconds(30))
        #expect(first.events.map(\.id) == ["p1-1", "p1-2", "p1-3"])
        #expect(!channel.isClosed)
        let second = CollectingStream()
        let resumed = Task { await channel.pump(to: second, after: 3, heartbeat: .seconds(30)) }
        channel.publish(.notification(method: "n4", params: nil))
        channel.close()
        await resumed.value
        #expect(second.events.map(\.id) == ["p1-4"])
        #expect(!channel.publish(.notification(method: "late", params: nil)))
    }

    @Test("an idle stream gets comment heartbeats, and a pump ends when its client goes away")
    func heartbeats() async throws {
        let channel = SSEChannel(key: "g", replayCapacity: 4)
        let stream = CollectingStream()
        let pump = Task { await channel.pump(to: stream, after: 0, heartbeat: .milliseconds(20)) }
        _ = await eventually { stream.text.contains(": heartbeat") }
        #expect(stream.text.contains(": heartbeat"))
        stream.finish()
        await pump.value
        #expect(channel.attachedConnections == 0)
    }

    @Test(
        "a watched pump ends as soon as its client goes away, long before the next heartbeat", .timeLimit(.minutes(2)))
    func watchedPumpEnds() async {
        let channel = SSEChannel(key: "g", replayCapacity: 4)
        let stream = CollectingStream()
        let pump = Task { await channel.pump(to: stream, after: 0, heartbeat: .seconds(3600), watchClient: true) }
        channel.publish(.notification(method: "hello", params: nil))
        _ = await eventually { !stream.events.isEmpty }
        stream.finish()
        await pump.value
        #expect(stream.events.count == 1)
        #expect(channel.attachedConnections == 0)
    }
}
