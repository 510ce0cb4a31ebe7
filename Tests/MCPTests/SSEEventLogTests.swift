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
}
