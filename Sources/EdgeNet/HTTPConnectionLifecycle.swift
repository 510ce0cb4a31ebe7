/// The life of one HTTP/1.1 connection around its requests: the phase it is in, whether it stays
/// open, and what input, an EOF, a timeout or a server shutdown means in each phase.
///
/// Pure: no sockets and no clocks. `HTTPConnection` feeds it what happened and carries out what
/// it answers (arm this deadline, close, answer 408, linger), so every rule here is tested
/// without a socket. Message framing itself is `HTTPRequestParser`'s job.
struct HTTPConnectionLifecycle: Equatable {
    /// Where the connection stands.
    enum State: Equatable {
        /// TLS handshake in progress.
        case handshake
        /// Waiting for (the rest of) a request head.
        case idle
        /// Head received, body arriving.
        case body
        /// The responder is working on a `.later` reply.
        case responding
        /// A streamed body is being written.
        case streaming
        /// Last response queued and the write side shut; input is read and dropped until the
        /// peer closes, so it sees our response rather than a reset (RFC 9112 §9.6).
        case lingering
        case closed
    }

    /// Which deadline the connection runs under next.
    enum Deadline: Equatable {
        /// Keep the current one.
        case unchanged
        /// No deadline: the server, not the client, is the one working.
        case none
        case handshake
        /// The request head must arrive within the header timeout (slow-loris protection).
        case header
        /// The body must keep arriving: renewed by each piece.
        case body
        /// Keep-alive between requests, and a stalled reader's grace.
        case idle
        /// How long a closing connection reads and drops input.
        case linger
    }

    /// What a passed deadline means.
    enum TimeoutAction: Equatable {
        case nothing
        /// Close without a word: nothing was asked, or nothing can be sent.
        case close
        /// A request started and stalled: answer 408 (RFC 9110 §15.5.9) and close.
        case respondRequestTimeout
    }

    /// What the peer's EOF means.
    enum PeerClosedAction: Equatable {
        /// Nothing more can be delivered or asked.
        case close
        /// Answer the complete requests that arrived before the EOF, then close.
        case answerWhatArrived
        /// A reply is being prepared: send it, then close.
        case waitForReply
    }

    /// What a server shutdown means for this connection.
    enum ShutdownAction: Equatable {
        case closeNow
        /// Tell the streaming handler to finish; the response then ends cleanly.
        case endStream
        /// Let the request in progress finish, with `Connection: close`.
        case finishExchange
    }

    /// What an emptied write queue means.
    enum FlushedAction: Equatable {
        case nothing
        case close
        /// Shut the write side and drop input for the linger time.
        case linger
    }

    private(set) var state: State
    /// Bytes of the current request have arrived (so a timeout answers 408, not silence).
    private(set) var requestStarted = false
    /// Whether the exchange in progress leaves the connection open (RFC 9112 §9.3).
    private(set) var keepAlive = true
    /// Close once the write queue is empty.
    private(set) var closing = false
    /// The peer sent its EOF.
    private(set) var peerClosed = false
    private(set) var shuttingDown = false

    /// A new connection: TLS starts with its handshake.
    init(tls: Bool) { state = tls ? .handshake : .idle }

    /// The first deadline: the handshake's, or the first request head's.
    var initialDeadline: Deadline { state == .handshake ? .handshake : .header }

    /// New requests may be parsed and answered now.
    var acceptsRequests: Bool { (state == .idle || state == .body) && !closing }

    /// Input is not being parsed (a reply is pending, or the output queue is full), so the
    /// connection should stop reading once its parser holds enough.
    func holdsInput(outputOverWatermark: Bool) -> Bool {
        state == .responding || state == .streaming || outputOverWatermark
    }

    /// The TLS handshake completed.
    mutating func handshakeFinished() -> Deadline {
        state = .idle
        requestStarted = false
        return .header
    }

    /// Bytes arrived: the first byte of a request starts its header deadline; body bytes renew
    /// the body deadline.
    mutating func inputArrived() -> Deadline {
        switch state {
        case .idle where !requestStarted:
            requestStarted = true
            return .header
        case .body:
            return .body
        default:
            return .unchanged
        }
    }

    /// A request head was parsed.
    mutating func headReceived() -> Deadline {
        state = .body
        requestStarted = true
        return .body
    }

    /// The request is complete and goes to the responder.
    mutating func requestComplete(keepAlive requested: Bool) -> Deadline {
        keepAlive = requested && !shuttingDown
        state = .responding
        return .none
    }

    /// A streamed body starts; a close-delimited one (HTTP/1.0) ends the connection.
    mutating func streamStarted(chunked: Bool) -> Deadline {
        if !chunked { keepAlive = false }
        state = .streaming
        return .none
    }

    /// The response is fully queued: wait for the next request, or close after the queue drains.
    mutating func responseFinished(moreInputBuffered: Bool) -> Deadline {
        state = .idle
        if !keepAlive || shuttingDown {
            closing = true
            return .unchanged
        }
        requestStarted = moreInputBuffered
        return moreInputBuffered ? .header : .idle
    }

    /// An error response was queued (parse error, 408, 413, 417): close after it.
    mutating func refused() -> Deadline {
        keepAlive = false
        state = .idle
        closing = true
        return .none
    }

    /// The queue is over the watermark and requests wait: the client is slow to read, which is
    /// a stall rather than slow headers, so the idle deadline applies.
    func outputHeld() -> Deadline { .idle }

    /// The write queue emptied.
    mutating func outputEmptied() -> FlushedAction {
        guard closing, state != .lingering, state != .closed else { return .nothing }
        if peerClosed { return .close }
        state = .lingering
        return .linger
    }

    /// The peer sent its EOF.
    mutating func peerFinished() -> PeerClosedAction {
        peerClosed = true
        switch state {
        case .streaming, .lingering, .handshake, .closed: return .close
        case .responding: return .waitForReply
        case .idle, .body: return .answerWhatArrived
        }
    }

    /// Every complete request was taken from the parser. After the peer's EOF no further one
    /// can complete: true when the connection should now close once its queue drains.
    mutating func inputExhausted(outputHeld: Bool) -> Bool {
        guard peerClosed, state == .idle || state == .body, !outputHeld, !closing else { return false }
        closing = true
        return true
    }

    /// The current deadline passed.
    func deadlinePassed(outputPending: Bool) -> TimeoutAction {
        switch state {
        case .handshake, .lingering, .closed: return .close
        case .idle where !requestStarted || outputPending: return .close
        case .idle, .body: return .respondRequestTimeout
        case .responding, .streaming: return .nothing
        }
    }

    /// The server began to drain.
    mutating func beginShutdown() -> ShutdownAction {
        shuttingDown = true
        keepAlive = false
        switch state {
        case .handshake, .lingering: return .closeNow
        case .idle where !requestStarted: return .closeNow
        case .streaming: return .endStream
        case .idle, .body, .responding, .closed: return .finishExchange
        }
    }

    /// The socket was closed.
    mutating func closed() { state = .closed }
}
