/// The events of one SSE stream with their sequence numbers, keeping only the newest
/// `capacity` for replay to a client that reconnects with `Last-Event-ID`.
///
/// Pure: the channel that owns it does the locking and waking. MCP spec 2025-11-25,
/// basic/transports "Resumability and Redelivery".
public struct SSEEventLog: Sendable {
    /// How many events are kept for replay.
    public let capacity: Int
    /// The sequence number of the newest event (0 before the first).
    public private(set) var lastSequence = 0
    private var events: [(sequence: Int, bytes: [UInt8])] = []
    private var head = 0

    /// An empty log keeping at most `capacity` events.
    public init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Appends encoded event bytes made from the next sequence number; returns that number.
    public mutating func append(_ encode: (Int) -> [UInt8]) -> Int {
        lastSequence += 1
        let entry = (sequence: lastSequence, bytes: encode(lastSequence))
        if events.count < capacity {
            events.append(entry)
        } else {
            events[head] = entry
            head = (head + 1) % capacity
        }
        return lastSequence
    }

    /// The first kept event after `sequence`, or nil when none is newer.
    public func event(after sequence: Int) -> (sequence: Int, bytes: [UInt8])? {
        guard sequence < lastSequence else { return nil }
        let oldest = lastSequence - events.count + 1
        let wanted = max(sequence + 1, oldest)
        let offset = wanted - oldest
        return events[(head + offset) % events.count]
    }
}
