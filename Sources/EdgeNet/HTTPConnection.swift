import EdgeCore
import EdgeHTTP

#if canImport(Glibc)
    import Glibc
#endif

/// One HTTP/1.1 connection: bytes in through the parser, requests to the responder, responses
/// out through a write queue, with keep-alive, pipelining, `Expect: 100-continue`, timeouts and
/// streamed bodies.
///
/// The protocol decisions live in `HTTPRequestParser` (a pure state machine); this class only
/// moves bytes and keeps the phase of the exchange. Requests are answered strictly in order
/// (RFC 9112 §9.3.2): while one is answered later or streamed, the parser is not asked for the
/// next, and input waiting in it is bounded by `inputLimit`.
///
/// `@unchecked Sendable`: every member is touched on the owner loop's thread only; tasks that
/// answer `.later` or stream a body come back through `loop.execute`.
final class HTTPConnection: EventLoopHandler, @unchecked Sendable {
    /// Where the connection stands.
    enum Phase {
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
        /// Last response queued; the write side is shut and input is read and dropped until the
        /// peer closes, so the peer sees our response rather than a reset (RFC 9112 §9.6).
        case lingering
        case closed
    }

    let fd: Int32
    let peer: String
    unowned let owner: HTTPServerLoop
    var context: HTTPServerContext { owner.context }
    var tls: TLSSession?
    var parser = HTTPRequestParser()
    var phase: Phase = .idle
    var head: HTTPRequestHead?
    var body: [UInt8] = []
    /// Whether the response being produced lets the connection stay open.
    var keepAlive = true
    /// Close once the write queue is empty.
    var closeAfterFlush = false
    var peerClosed = false
    var shuttingDown = false
    /// Bytes of the current request have arrived (so a timeout answers 408, not silence).
    var requestStarted = false
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
    var drainWaiter: CheckedContinuation<Bool, Never>?
    private var driving = false

    init(fd: Int32, peer: String, owner: HTTPServerLoop) {
        self.fd = fd
        self.peer = peer
        self.owner = owner
    }

    var pendingOutput: Int { output.count - outputOffset }

    /// Called once after registration: arms the first deadline and starts TLS when configured.
    func start() {
        let now = MonotonicClock.now()
        if let tlsContext = context.tls {
            guard let session = tlsContext.makeSession(fd: fd) else {
                close()
                return
            }
            tls = session
            phase = .handshake
            setDeadline(now + context.handshakeTimeout)
            continueHandshake()
        } else {
            requestStarted = false
            setDeadline(now + context.headerTimeout)
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
        let buffer = owner.readBuffer
        var received = false
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
                peerClosed = true
                break
            }
            received = true
            if phase == .lingering { continue }
            parser.append(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            if phase == .idle && !requestStarted {
                requestStarted = true
                setDeadline(MonotonicClock.now() + context.headerTimeout)
            } else if phase == .body {
                setDeadline(MonotonicClock.now() + context.bodyTimeout)
            }
        }
        if peerClosed { handlePeerClosed() } else if received && phase != .lingering { drive() }
        if phase != .closed { updateInterest() }
    }

    private func handlePeerClosed() {
        switch phase {
        case .streaming, .lingering, .handshake, .closed:
            close()
        case .responding:
            closeAfterFlush = true
            keepAlive = false
        case .idle, .body:
            drive()
            if phase == .idle || phase == .body {
                closeAfterFlush = true
                if pendingOutput == 0 { close() }
            }
        }
    }

    /// Takes parser events and answers complete requests, in order, until the parser needs more
    /// input, a reply is pending, or the write queue is over the watermark.
    func drive() {
        guard !driving else { return }
        driving = true
        defer { driving = false }
        while (phase == .idle || phase == .body) && !closeAfterFlush {
            if pendingOutput > context.configuration.streamHighWatermark { break }
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
    }

    private func receivedHead(_ requestHead: HTTPRequestHead) {
        phase = .body
        requestStarted = true
        head = requestHead
        body = []
        let limit = context.responder.bodyLimit(for: requestHead)
        parser.setBodyLimit(limit)
        setDeadline(MonotonicClock.now() + context.bodyTimeout)
        // RFC 9110 §10.1.1: answer 100 only when the body is wanted; refuse a body over the limit
        // before it is sent, and any expectation other than 100-continue with 417.
        guard let expectation = requestHead.headers["Expect"] else { return }
        guard expectation.lowercased() == "100-continue" else {
            sendError(HTTPStatus(417), "unsupported expectation '\(expectation)'")
            return
        }
        if let length = requestHead.headers["Content-Length"].flatMap({ Int($0) }), length > limit {
            sendError(.payloadTooLarge, "request body of \(length) bytes exceeds the limit of \(limit)")
            return
        }
        if requestHead.version == .http1_1 { output.append(contentsOf: HTTPResponseEncoder.continueResponse) }
    }

    private func dispatch() {
        guard let requestHead = head else { return }
        let request = HTTPRequest(head: requestHead, body: body, remoteAddress: peer)
        head = nil
        body = []
        keepAlive = requestHead.keepAlive && !shuttingDown && !peerClosed
        let isHead = requestHead.method == .head
        requestIsHTTP11 = requestHead.version.major > 1 || requestHead.version.minor >= 1
        phase = .responding
        setDeadline(.max)
        switch context.responder.respond(to: request) {
        case .now(let response):
            send(response, isHead: isHead)
        case .later(let work):
            let loop = owner.loop
            Task {
                let response = await work()
                loop.execute { self.finishLater(response, isHead: isHead) }
            }
        }
    }

    private func finishLater(_ response: HTTPResponse, isHead: Bool) {
        guard phase == .responding else { return }
        send(response, isHead: isHead)
        if phase == .idle { drive() } else { writeQueued() }
        if phase != .closed { updateInterest() }
    }

    /// The current exchange is over: back to waiting for the next request, or closing.
    func responseDone() {
        phase = .idle
        if !keepAlive || shuttingDown || peerClosed {
            closeAfterFlush = true
            return
        }
        requestStarted = parser.bufferedByteCount > 0
        let now = MonotonicClock.now()
        setDeadline(now + (requestStarted ? context.headerTimeout : context.idleTimeout))
    }

    /// The server is draining: idle connections close now; busy ones close after their reply.
    func beginShutdown() {
        shuttingDown = true
        keepAlive = false
        switch phase {
        case .handshake, .lingering:
            close()
        case .idle where !requestStarted:
            close()
        case .streaming:
            stream?.markClosed()
        case .idle, .body, .responding, .closed:
            break
        }
    }
}
