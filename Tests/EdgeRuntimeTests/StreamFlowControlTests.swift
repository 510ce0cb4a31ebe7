import Testing

@testable import EdgeRuntime

@Suite("StreamFlowControl")
struct StreamFlowControlTests {
    @Test("a sender stops at the window and resumes when credit arrives")
    func stopsAndResumes() throws {
        var flow = StreamFlowControl(initialWindow: 1000)
        #expect(flow.takeSendCredit(upTo: 600) == 600)
        #expect(flow.takeSendCredit(upTo: 600) == 400)
        #expect(flow.isSendBlocked)
        #expect(flow.takeSendCredit(upTo: 1) == 0)
        #expect(try flow.peerGranted(250) == .resumeSending)
        #expect(try flow.peerGranted(10) == .none)
        #expect(flow.takeSendCredit(upTo: 1000) == 260)
    }

    @Test("the receiver grants credit once half the window is consumed")
    func grantsInBatches() throws {
        var flow = StreamFlowControl(initialWindow: 1000)
        try flow.peerSent(1000)
        #expect(flow.consumed(300) == .none)
        #expect(flow.consumed(200) == .sendWindowUpdate(500))
        #expect(flow.receiveWindow == 500)
        #expect(flow.consumed(499) == .none)
        #expect(flow.pendingGrant == 499)
    }

    @Test("more body than the window allows is the peer's flow-control error")
    func overrunIsError() throws {
        var flow = StreamFlowControl(initialWindow: 100)
        try flow.peerSent(60)
        #expect(throws: RuntimeFrameError.self) { try flow.peerSent(41) }
        #expect(flow.receiveWindow == 40)
    }

    @Test(
        "zero increments and windows above 2^31-1 are refused", arguments: [UInt32(0), StreamFlowControl.maximumWindow])
    func badIncrements(increment: UInt32) {
        var flow = StreamFlowControl(initialWindow: 10)
        #expect(throws: RuntimeFrameError.self) { _ = try flow.peerGranted(increment) }
        #expect(flow.sendWindow == 10)
    }

    @Test("a closed stream neither sends nor grants")
    func closed() throws {
        var flow = StreamFlowControl(initialWindow: 10)
        flow.close()
        #expect(flow.takeSendCredit(upTo: 5) == 0)
        #expect(try flow.peerGranted(5) == .none)
        #expect(flow.consumed(10) == .none)
    }

    /// Two responses share one connection, as SSE streams do. The reader of stream 1 never
    /// consumes; stream 2's reader does. Every frame crosses a real codec in both directions.
    @Test("a stream whose receiver grants no credit stops while the other stream finishes")
    func slowStreamDoesNotStallOthers() throws {
        let window = 4096
        let chunk = 1000
        let total = 50_000
        var hostSide = [
            UInt32(1): StreamFlowControl(initialWindow: window), 2: StreamFlowControl(initialWindow: window),
        ]
        var routerSide = hostSide
        var remaining: [UInt32: Int] = [1: total, 2: total]
        var delivered: [UInt32: Int] = [1: 0, 2: 0]
        var toRouter = RuntimeFrameCodec()
        var toHost = RuntimeFrameCodec()

        for _ in 0..<1000 {
            var progressed = false
            // Host: send what credit allows on each stream.
            for id in [UInt32(1), 2] where remaining[id]! > 0 {
                let size = hostSide[id]!.takeSendCredit(upTo: min(chunk, remaining[id]!))
                guard size > 0 else { continue }
                remaining[id]! -= size
                toRouter.feed(
                    try toRouter.encode(
                        RuntimeFrame(streamID: id, payload: .responseBody(Array(repeating: 7, count: size)))))
                progressed = true
            }
            // Router: receive; only stream 2's client reads, so only it consumes and grants.
            while let frame = try toRouter.nextFrame() {
                guard case .responseBody(let bytes) = frame.payload else { continue }
                try routerSide[frame.streamID]!.peerSent(bytes.count)
                delivered[frame.streamID]! += bytes.count
                guard frame.streamID == 2 else { continue }
                if case .sendWindowUpdate(let increment) = routerSide[2]!.consumed(bytes.count) {
                    toHost.feed(
                        try toHost.encode(RuntimeFrame(streamID: 2, payload: .windowUpdate(increment: increment))))
                }
            }
            // Host: take the credit.
            while let frame = try toHost.nextFrame() {
                if case .windowUpdate(let increment) = frame.payload {
                    _ = try hostSide[frame.streamID]!.peerGranted(increment)
                    progressed = true
                }
            }
            if !progressed { break }
        }
        #expect(delivered[2] == total)
        #expect(delivered[1] == window)
        #expect(hostSide[1]!.isSendBlocked)
        #expect(remaining[1] == total - window)
    }
}
