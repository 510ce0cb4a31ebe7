import EdgeHTTP
import Testing

@testable import EdgeRuntime

/// A router and a host connection state joined by real codecs; bytes cross in 7-byte pieces.
struct ConnectionPair {
    var router = RuntimeConnectionState(role: .router, initialWindow: 4096, maximumChunk: 1000)
    var host = RuntimeConnectionState(role: .host, initialWindow: 4096, maximumChunk: 1000)
    var toHost = RuntimeFrameCodec()
    var toRouter = RuntimeFrameCodec()
    var hostEvents: [RuntimeConnectionState.Event] = []
    var routerEvents: [RuntimeConnectionState.Event] = []

    /// Opens a stream on the router side, failing the test when the router refuses.
    mutating func open(_ head: RuntimeRequestHead, flags: RuntimeFrameFlags = []) throws -> (UInt32, [RuntimeFrame]) {
        guard let opened = router.openStream(head, flags: flags) else {
            throw RuntimeTestFailure("router refused a stream")
        }
        return (opened.streamID, opened.frames)
    }

    /// Delivers `frames` from the router to the host, and any answers back, until quiet.
    mutating func routerSends(_ frames: [RuntimeFrame]) throws {
        var pending = (toHost: frames, toRouter: [RuntimeFrame]())
        while !pending.toHost.isEmpty || !pending.toRouter.isEmpty {
            for frame in try Self.carry(pending.toHost, through: &toHost) {
                let out = try host.receive(frame)
                hostEvents += out.events
                pending.toRouter += out.frames
            }
            pending.toHost = []
            for frame in try Self.carry(pending.toRouter, through: &toRouter) {
                let out = try router.receive(frame)
                routerEvents += out.events
                pending.toHost += out.frames
            }
            pending.toRouter = []
        }
    }

    /// Delivers `frames` from the host to the router, and any answers back.
    mutating func hostSends(_ frames: [RuntimeFrame]) throws {
        var answers: [RuntimeFrame] = []
        for frame in try Self.carry(frames, through: &toRouter) {
            let out = try router.receive(frame)
            routerEvents += out.events
            answers += out.frames
        }
        try routerSends(answers)
    }

    static func carry(_ frames: [RuntimeFrame], through codec: inout RuntimeFrameCodec) throws -> [RuntimeFrame] {
        let bytes = try frames.flatMap { try codec.encode($0) }
        var received: [RuntimeFrame] = []
        for start in stride(from: 0, to: bytes.count, by: 7) {
            codec.feed(bytes[start..<min(start + 7, bytes.count)])
            while let frame = try codec.nextFrame() { received.append(frame) }
        }
        return received
    }
}

let sampleHead = RuntimeRequestHead(
    head: HTTPRequestHead(method: .get, target: "/sse"), objectClass: "MCP", objectID: "u1", props: ["clientId": "c"])

@Suite("RuntimeConnectionState")
struct RuntimeConnectionStateTests {
    @Test("a request and a response cross the connection and the stream closes")
    func exchange() throws {
        var pair = ConnectionPair()
        let (id, open) = try pair.open(sampleHead, flags: .reconnect)
        try pair.routerSends(open + pair.router.sendBody(Array("hello".utf8), on: id) + pair.router.sendEnd(on: id))
        #expect(
            pair.hostEvents == [
                .requestHead(streamID: id, sampleHead, .reconnect), .requestBody(streamID: id, Array("hello".utf8)),
                .requestEnd(streamID: id),
            ])
        let head = RuntimeResponseHead(status: .ok, headers: ["Content-Type": "text/plain"])
        try pair.hostSends(
            pair.host.sendHead(head, on: id) + pair.host.sendBody(Array("hi".utf8), on: id) + pair.host.sendEnd(on: id))
        #expect(
            pair.routerEvents == [
                .responseHead(streamID: id, head), .responseBody(streamID: id, Array("hi".utf8)),
                .responseEnd(streamID: id),
            ])
        #expect(pair.host.openStreamIDs.isEmpty && pair.router.openStreamIDs.isEmpty)
    }

    @Test("a response stream whose reader stalls holds only its own queue; the other stream finishes")
    func slowReaderDoesNotStallOthers() throws {
        var pair = ConnectionPair()
        let (slow, openSlow) = try pair.open(sampleHead)
        let (fast, openFast) = try pair.open(sampleHead)
        try pair.routerSends(openSlow + pair.router.sendEnd(on: slow) + openFast + pair.router.sendEnd(on: fast))
        let body = Array(repeating: UInt8(1), count: 20_000)
        var frames: [RuntimeFrame] = []
        for id in [slow, fast] {
            frames += pair.host.sendHead(RuntimeResponseHead(status: .ok), on: id)
            frames += pair.host.sendBody(body, on: id) + pair.host.sendEnd(on: id)
        }
        try pair.hostSends(frames)
        // Only the fast stream's client reads: its bytes are consumed, which grants credit back.
        var received: [UInt32: Int] = [:]
        var index = 0
        while index < pair.routerEvents.count {
            if case .responseBody(let id, let bytes) = pair.routerEvents[index] {
                received[id, default: 0] += bytes.count
                if id == fast {
                    let credit = pair.router.consumed(bytes.count, on: id)
                    var sent: [RuntimeFrame] = []
                    for frame in try ConnectionPair.carry(credit, through: &pair.toHost) {
                        sent += try pair.host.receive(frame).frames
                    }
                    try pair.hostSends(sent)
                }
            }
            index += 1
        }
        #expect(received[fast] == body.count)
        #expect(pair.routerEvents.contains(.responseEnd(streamID: fast)))
        #expect(received[slow] == 4096)
        #expect(!pair.routerEvents.contains(.responseEnd(streamID: slow)))
        #expect(pair.host.queuedBytes(on: slow) == body.count - 4096)
    }

    @Test("either side can cancel; later frames on the stream are ignored")
    func cancelBothWays() throws {
        var pair = ConnectionPair()
        let (one, openOne) = try pair.open(sampleHead)
        let (two, openTwo) = try pair.open(sampleHead)
        try pair.routerSends(openOne + openTwo)
        try pair.routerSends(pair.router.cancel(one, code: RuntimeCancel.clientGone, message: "closed"))
        #expect(
            pair.hostEvents.last
                == .cancelled(streamID: one, RuntimeCancel(code: RuntimeCancel.clientGone, message: "closed")))
        #expect(pair.host.sendBody([1], on: one).isEmpty)
        try pair.hostSends(pair.host.cancel(two, code: RuntimeCancel.notOwner))
        #expect(pair.routerEvents.last == .cancelled(streamID: two, RuntimeCancel(code: RuntimeCancel.notOwner)))
        #expect(try pair.host.receive(RuntimeFrame(streamID: one, payload: .requestEnd)) == .init())
        #expect(pair.host.openStreamIDs.isEmpty && pair.router.openStreamIDs.isEmpty)
    }

    @Test("a ping is answered with a pong carrying the same bytes")
    func pingPong() throws {
        var pair = ConnectionPair()
        try pair.routerSends([RuntimeFrame(streamID: 0, payload: .ping(77))])
        #expect(pair.routerEvents == [.pong(77)])
    }

    @Test("after goAway the router opens no stream and the host refuses any above the limit")
    func goAway() throws {
        var pair = ConnectionPair()
        let (first, open) = try pair.open(sampleHead)
        try pair.routerSends(open)
        try pair.hostSends([pair.host.goAway(code: RuntimeCancel.shuttingDown, message: "drain")])
        #expect(pair.routerEvents == [.goAway(lastStreamID: first, code: RuntimeCancel.shuttingDown, message: "drain")])
        #expect(pair.router.openStream(sampleHead) == nil)
        let late = try pair.host.receive(RuntimeFrame(streamID: first + 1, payload: .requestHead(sampleHead)))
        #expect(late.events.isEmpty)
        #expect(late.frames.map(\.type) == [.cancel])
        #expect(pair.host.openStreamIDs == [first])
    }

    @Test("body beyond the granted window cancels the stream with a flow-control reason")
    func overrun() throws {
        var host = RuntimeConnectionState(role: .host, initialWindow: 10)
        _ = try host.receive(RuntimeFrame(streamID: 1, payload: .requestHead(sampleHead)))
        let out = try host.receive(RuntimeFrame(streamID: 1, payload: .requestBody(Array(repeating: 0, count: 11))))
        #expect(
            out.frames.first?.payload
                == .cancel(
                    RuntimeCancel(
                        code: RuntimeCancel.flowControl, message: "peer sent 11 body bytes with only 10 bytes of credit"
                    )))
        #expect(host.openStreamIDs.isEmpty)
    }

    /// Frame sequences a host must refuse: connection errors throw, stream errors cancel.
    static let bad: [(name: String, frames: [RuntimeFrame], connectionError: Bool)] = [
        ("body on a stream never opened", [RuntimeFrame(streamID: 5, payload: .requestBody([1]))], true),
        (
            "a head reusing a stream id",
            [
                RuntimeFrame(streamID: 3, payload: .requestHead(sampleHead)),
                RuntimeFrame(streamID: 3, payload: .requestHead(sampleHead)),
            ],
            true
        ),
        (
            "a head on a lower stream id",
            [
                RuntimeFrame(streamID: 3, payload: .requestHead(sampleHead)),
                RuntimeFrame(streamID: 2, payload: .requestHead(sampleHead)),
            ],
            true
        ),
        ("a response sent to the host", [RuntimeFrame(streamID: 1, payload: .responseEnd)], true),
        (
            "body after the end",
            [
                RuntimeFrame(streamID: 1, payload: .requestHead(sampleHead)),
                RuntimeFrame(streamID: 1, payload: .requestEnd),
                RuntimeFrame(streamID: 1, payload: .requestBody([1])),
            ],
            false
        ),
        (
            "a second end",
            [
                RuntimeFrame(streamID: 1, payload: .requestHead(sampleHead)),
                RuntimeFrame(streamID: 1, payload: .requestEnd),
                RuntimeFrame(streamID: 1, payload: .requestEnd),
            ],
            false
        ),
    ]

    @Test("out-of-order frames are refused", arguments: bad.indices)
    func outOfOrder(index: Int) {
        let (name, frames, connectionError) = Self.bad[index]
        var host = RuntimeConnectionState(role: .host)
        var last = RuntimeConnectionState.Output()
        do {
            for frame in frames { last = try host.receive(frame) }
            #expect(!connectionError, "\(name) should close the connection")
            #expect(last.frames.map(\.type) == [.cancel], "\(name)")
            guard case .cancelled(_, let reason) = last.events.last else {
                Issue.record("\(name): no cancelled event")
                return
            }
            #expect(reason.code == RuntimeCancel.protocolError)
        } catch {
            #expect(connectionError, "\(name): \(error)")
            #expect(error.code == .invalidStream)
        }
    }
}
