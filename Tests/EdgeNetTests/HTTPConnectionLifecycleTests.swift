import Testing

@testable import EdgeNet

/// One step fed to the lifecycle, and a printable record of what it answered.
enum LifecycleStep: Sendable, CustomStringConvertible {
    case handshakeFinished, inputArrived, headReceived, requestComplete(keepAlive: Bool)
    case streamStarted(chunked: Bool), responseFinished(moreInput: Bool), refused, outputEmptied
    case peerFinished, inputExhausted, beginShutdown

    var description: String {
        switch self {
        case .handshakeFinished: "handshakeFinished"
        case .inputArrived: "inputArrived"
        case .headReceived: "headReceived"
        case .requestComplete(let keepAlive): "requestComplete(\(keepAlive))"
        case .streamStarted(let chunked): "streamStarted(\(chunked))"
        case .responseFinished(let more): "responseFinished(\(more))"
        case .refused: "refused"
        case .outputEmptied: "outputEmptied"
        case .peerFinished: "peerFinished"
        case .inputExhausted: "inputExhausted"
        case .beginShutdown: "beginShutdown"
        }
    }

    /// Applies the step and returns what the lifecycle answered, as text.
    func apply(to lifecycle: inout HTTPConnectionLifecycle) -> String {
        switch self {
        case .handshakeFinished: "\(lifecycle.handshakeFinished())"
        case .inputArrived: "\(lifecycle.inputArrived())"
        case .headReceived: "\(lifecycle.headReceived())"
        case .requestComplete(let keepAlive): "\(lifecycle.requestComplete(keepAlive: keepAlive))"
        case .streamStarted(let chunked): "\(lifecycle.streamStarted(chunked: chunked))"
        case .responseFinished(let more): "\(lifecycle.responseFinished(moreInputBuffered: more))"
        case .refused: "\(lifecycle.refused())"
        case .outputEmptied: "\(lifecycle.outputEmptied())"
        case .peerFinished: "\(lifecycle.peerFinished())"
        case .inputExhausted: "\(lifecycle.inputExhausted(outputHeld: false))"
        case .beginShutdown: "\(lifecycle.beginShutdown())"
        }
    }
}

@Suite("HTTPConnectionLifecycle: phases, keep-alive, EOF, timeouts and shutdown without sockets")
struct HTTPConnectionLifecycleTests {
    @Test(
        "a sequence of events gives the deadlines and actions the connection must carry out",
        arguments: [
            // A keep-alive exchange, then waiting idle.
            (
                false,
                [
                    .inputArrived, .headReceived, .inputArrived, .requestComplete(keepAlive: true),
                    .responseFinished(moreInput: false),
                ],
                ["header", "body", "body", "none", "idle"], HTTPConnectionLifecycle.State.idle
            ),
            // Pipelined bytes already buffered: the next head is under the header deadline at once.
            (
                false,
                [
                    .inputArrived, .headReceived, .requestComplete(keepAlive: true), .responseFinished(moreInput: true),
                    .inputArrived,
                ],
                ["header", "body", "none", "header", "unchanged"], .idle
            ),
            // Connection: close: after the queue drains, linger rather than reset.
            (
                false,
                [
                    .headReceived, .requestComplete(keepAlive: false), .responseFinished(moreInput: false),
                    .outputEmptied,
                ],
                ["body", "none", "unchanged", "linger"], .lingering
            ),
            // A half-closed client: its request is answered, then the connection closes.
            (
                false,
                [
                    .headReceived, .requestComplete(keepAlive: true), .peerFinished,
                    .responseFinished(moreInput: false), .inputExhausted, .outputEmptied,
                ],
                ["body", "none", "waitForReply", "idle", "true", "close"], .idle
            ),
            // A parse error: refuse, then linger once written.
            (false, [.inputArrived, .refused, .outputEmptied], ["header", "none", "linger"], .lingering),
            // TLS: the header deadline starts with the finished handshake, and again at the first byte.
            (true, [.handshakeFinished, .inputArrived, .inputArrived], ["header", "header", "unchanged"], .idle),
            // HTTP/1.0 stream: close-delimited, so the connection ends with it.
            (
                false,
                [
                    .headReceived, .requestComplete(keepAlive: true), .streamStarted(chunked: false),
                    .responseFinished(moreInput: false),
                ],
                ["body", "none", "none", "unchanged"], .idle
            ),
            // Shutdown while streaming: the handler is told to end; the connection closes after.
            (
                false,
                [
                    .headReceived, .requestComplete(keepAlive: true), .streamStarted(chunked: true), .beginShutdown,
                    .responseFinished(moreInput: false), .outputEmptied,
                ],
                ["body", "none", "none", "endStream", "unchanged", "linger"], .lingering
            ),
        ] as [(Bool, [LifecycleStep], [String], HTTPConnectionLifecycle.State)])
    func sequences(tls: Bool, steps: [LifecycleStep], answers: [String], finalState: HTTPConnectionLifecycle.State) {
        var lifecycle = HTTPConnectionLifecycle(tls: tls)
        let got = steps.map { $0.apply(to: &lifecycle) }
        #expect(got == answers, "steps \(steps)")
        #expect(lifecycle.state == finalState)
    }

    @Test(
        "a passed deadline closes silently when nothing was asked and answers 408 when a request stalled",
        arguments: [
            ([], false, "close"),  // a fresh connection that sent nothing
            ([.inputArrived], false, "respondRequestTimeout"),  // trickled headers
            ([.inputArrived], true, "close"),  // a reader that stopped reading: nothing can be sent
            ([.headReceived], false, "respondRequestTimeout"),  // a stalled body
            ([.headReceived, .requestComplete(keepAlive: true)], false, "nothing"),  // our turn, not theirs
            ([.headReceived, .requestComplete(keepAlive: true), .streamStarted(chunked: true)], false, "nothing"),
            ([.headReceived, .requestComplete(keepAlive: true), .responseFinished(moreInput: false)], false, "close"),
            ([.refused, .outputEmptied], false, "close"),  // linger time over
        ] as [([LifecycleStep], Bool, String)])
    func timeouts(steps: [LifecycleStep], outputPending: Bool, expected: String) {
        var lifecycle = HTTPConnectionLifecycle(tls: false)
        for step in steps { _ = step.apply(to: &lifecycle) }
        #expect("\(lifecycle.deadlinePassed(outputPending: outputPending))" == expected)
    }

    @Test(
        "shutdown closes idle connections at once and lets a request in progress finish without keep-alive",
        arguments: [
            ([], "closeNow"),
            ([.inputArrived], "finishExchange"),
            ([.headReceived], "finishExchange"),
            ([.headReceived, .requestComplete(keepAlive: true)], "finishExchange"),
            ([.headReceived, .requestComplete(keepAlive: true), .streamStarted(chunked: true)], "endStream"),
        ] as [([LifecycleStep], String)])
    func shutdown(steps: [LifecycleStep], expected: String) {
        var lifecycle = HTTPConnectionLifecycle(tls: false)
        for step in steps { _ = step.apply(to: &lifecycle) }
        #expect("\(lifecycle.beginShutdown())" == expected)
        #expect(!lifecycle.keepAlive)
        #expect(lifecycle.requestComplete(keepAlive: true) == .none)
        #expect(!lifecycle.keepAlive, "a request completed during the drain is not kept alive")
    }

    @Test("input is held only while a reply is pending or the output queue is full")
    func holdingInput() {
        var lifecycle = HTTPConnectionLifecycle(tls: false)
        #expect(!lifecycle.holdsInput(outputOverWatermark: false))
        #expect(lifecycle.holdsInput(outputOverWatermark: true))
        _ = lifecycle.headReceived()
        _ = lifecycle.requestComplete(keepAlive: true)
        #expect(lifecycle.holdsInput(outputOverWatermark: false))
        #expect(!lifecycle.acceptsRequests)
        _ = lifecycle.responseFinished(moreInputBuffered: false)
        #expect(lifecycle.acceptsRequests)
    }
}
