import EdgeCore
import EdgeHTTP

#if canImport(Glibc)
    import Glibc
#endif

/// One HTTP/1.1 connection: bytes in through the parser, requests to the responder, responses
/// out through a write queue, with keep-alive, pipelining, `Expect: 100-continue`, timeouts and
/// streamed bodies.
///
/// The decisions live in two pure state machines: `HTTPRequestParser` (message framing) and
/// `HTTPConnectionLifecycle` (phases, keep-alive, timeouts, EOF, shutdown); this class moves
/// bytes and carries out what they answer. Requests are answered strictly in order
/// (RFC 9112 §9.3.2): while one is answered later or streamed, the parser is not asked for the
/// next, and input waiting in it is bounded by `inputLimit`.
///
/// `@unchecked Sendable`: every member is touched on the owner loop's thread only; tasks that
/// answer `.later` or stream a body come back through `loop.execute`.
final class HTTPConnection: EventLoopHandler, @unchecked Sendable {
    let fd: Int32
    let peer: String
    unowned let owner: HTTPServerLoop
    // Copied from the owner so the per-request path reads plain stored fields.
    let loop: EventLoop
    let context: HTTPServerContext
    let readBuffer: UnsafeMutableRawBufferPointer
    let watermark: Int
    /// The part of `pendingOutput` already added to `context.queuedOutputBytes`.
    var accountedOutput = 0
    var tls: TLSSession?
    var parser = HTTPRequestParser()
    var lifecycle: HTTPConnectionLifecycle
    var head: HTTPRequestHead?
    var body: [UInt8] = []
    var output: [UInt8] = []
    var outputOffset = 0
    var interest: UInt32 = EventLoop.readable | EventLoop.peerClosed
    var tlsReadNeedsWritable = false
    var deadline: UInt64 = .max
    var timerID: UInt64?
    var timerAt: UInt64 = .max
    var stream: ConnectionResponseStream?
    var streamChunked = true
    /// The request being answered is HTTP/1.1 or later (so chunked framing is understood).
    var requestIsHTTP11 = true
    /// Stream writers parked until the queue drains (a heartbeat and the body may both wait).
    var drainWaiters: [CheckedContinuation<Bool, Never>] = []
    private var driving = false

    init(fd: Int32, peer: String, owner: HTTPServerLoop) {
        self.fd = fd
        self.peer = peer
        self.owner = owner
        loop = owner.loop
        context = owner.context
        readBuffer = owner.readBuffer
        watermark = owner.context.configuration.streamHighWatermark
        lifecycle = HTTPConnectionLifecycle(tls: owner.context.tls != nil)
    }

    var pendingOutput: Int { output.count - outputOffset }
    var phase: HTTPConnectionLifecycle.State { lifecycle.state }

    /// Called once after registration: arms the first deadline and starts TLS when configured.
    func start() {
        apply(lifecycle.initialDeadline)
        if let tlsContext = context.tls {
            guard let session = tlsContext.makeSession(fd: fd) else {
                close()
                return
            }
            tls = session
            continueHandshake()
        }
    }

    func handleEvents(_ events: UInt32) {
        if phase == .closed { return }
        if phase == .handshake {
            if events & (EventLoop.hangUp | EventLoop.failed) != 0 && events & EventLoop.readable == 0 {
                close()
            } else {
                continueHandshake()
            }
            return
        }
        if events & (EventLoop.hangUp | EventLoop.failed) != 0 && lifecycle.peerClosed {
            // Both directions are gone (or the socket failed) after the peer's EOF: nothing more
            // can be delivered, and level-triggered HUP would wake us forever.
            close()
            return
        }
        if events & EventLoop.writable != 0 {
            if tlsReadNeedsWritable {
                tlsReadNeedsWritable = false
                readAvailable()
                if phase == .closed { return }
            }
            writeQueued()
            if phase == .closed { return }
        }
        if events & (EventLoop.readable | EventLoop.peerClosed | EventLoop.hangUp | EventLoop.failed) != 0 {
            readAvailable()
        }
    }

    /// Reads what the socket has (one buffer for plain TCP; for TLS until OpenSSL wants more,
    /// since decrypted bytes can wait inside OpenSSL while the socket looks empty).
    func readAvailable() {
        let buffer = readBuffer
        var received = false
        var endOfInput = false
        for _ in 0..<(tls == nil ? 1 : 16) {
            let count: Int
            if let tls {
                switch tls.read(buffer.baseAddress!, buffer.count) {
                case .done(let n): count = n
                case .wantRead: count = -2
                case .wantWrite:
                    tlsReadNeedsWritable = true
                    count = -2
                case .closed: count = 0
                case .failed: count = -1
                }
            } else {
                let n = recv(fd, buffer.baseAddress, buffer.count, 0)
                count = n >= 0 ? n : ((errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) ? -2 : -1)
            }
            if count == -2 { break }
            if count == -1 {
                close()
                return
            }
            if count == 0 {
                endOfInput = true
                break
            }
            received = true
            if phase == .lingering { continue }
            parser.append(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            apply(lifecycle.inputArrived())
        }
        if endOfInput {
            switch lifecycle.peerFinished() {
            case .close: close()
            // The client may only have shut its sending side: what it asked is still answered,
            // and `drive()` closes once the requests before the EOF are.
            case .waitForReply: break
            case .answerWhatArrived: drive()
            }
        } else if received && phase != .lingering {
            drive()
        }
        if phase != .closed { updateInterest() }
    }

    /// Takes parser events and answers complete requests, in order, until the parser needs more
    /// input, a reply is pending, or the write queue is over the watermark.
    func drive() {
        guard !driving else { return }
        driving = true
        defer { driving = false }
        var heldByOutput = true
        while heldByOutput {
            heldByOutput = false
            while lifecycle.acceptsRequests {
                if pendingOutput > watermark {
                    heldByOutput = true
                    apply(lifecycle.outputHeld())
                    break
                }
                guard let event = parser.next() else { break }
                switch event {
                case .head(let requestHead): receivedHead(requestHead)
                case .body(let bytes): body.append(contentsOf: bytes)
                case .end: dispatch()
                case .error(let error):
                    sendError(error.status, error.reason)
                }
            }
            writeQueued()
            // Go on at once if the write emptied the queue; otherwise writable resumes us.
            if heldByOutput && (pendingOutput > watermark || phase == .closed) { heldByOutput = false }
        }
        if lifecycle.inputExhausted(outputHeld: pendingOutput > watermark) { writeQueued() }
    }

    /// Arms the deadline the lifecycle asked for.
    func apply(_ deadline: HTTPConnectionLifecycle.Deadline) {
        switch deadline {
        case .unchanged: return
        case .none: setDeadline(.max)
        case .handshake: setDeadline(MonotonicClock.now() + context.handshakeTimeout)
        case .header: setDeadline(MonotonicClock.now() + context.headerTimeout)
        case .body: setDeadline(MonotonicClock.now() + context.bodyTimeout)
        case .idle: setDeadline(MonotonicClock.now() + context.idleTimeout)
        case .linger: setDeadline(MonotonicClock.now() + context.lingerTimeout)
        }
    }
}
