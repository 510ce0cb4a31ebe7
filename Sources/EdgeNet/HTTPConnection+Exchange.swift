import EdgeHTTP

/// One request/response exchange: head, body limit and `100-continue`, the responder's call,
/// and the way back to waiting for the next request.
extension HTTPConnection {
    /// A request head arrived: set its body limit and answer an `Expect` header.
    func receivedHead(_ requestHead: HTTPRequestHead) {
        head = requestHead
        body = []
        // Most requests (GET, HEAD) declare no body: skip the responder's limit lookup (a route
        // match) for them, since RFC 9112 §6.3 gives them a zero-length body.
        let declaresBody =
            requestHead.headers.contains("Content-Length") || requestHead.headers.contains("Transfer-Encoding")
        let limit = declaresBody ? context.responder.bodyLimit(for: requestHead) : 0
        parser.setBodyLimit(limit)
        apply(lifecycle.headReceived())
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

    /// The request is complete: ask the responder, and write a `.now` reply at once or wait for
    /// a `.later` one (its task hops back onto this loop).
    func dispatch() {
        guard let requestHead = head else { return }
        let request = HTTPRequest(head: requestHead, body: body, remoteAddress: peer)
        head = nil
        body = []
        let isHead = requestHead.method == .head
        requestIsHTTP11 = requestHead.version.major > 1 || requestHead.version.minor >= 1
        apply(lifecycle.requestComplete(keepAlive: requestHead.keepAlive))
        switch context.responder.respond(to: request) {
        case .now(let response):
            send(response, isHead: isHead)
        case .later(let work):
            if context.laterOnLoop {
                // The responder asked for its work on this loop: it starts here with no hop,
                // and its answer is written in the same turn it arrives.
                Task(executorPreference: loop) { [self] in
                    let response = await work()
                    if loop.inLoop {
                        self.finishLater(response, isHead: isHead)
                    } else {
                        loop.execute { self.finishLater(response, isHead: isHead) }
                    }
                }
                return
            }
            Task {
                let response = await work()
                loop.execute { self.finishLater(response, isHead: isHead) }
            }
        case .drop:
            close()
        }
    }

    /// A `.later` reply is ready: write it unless the connection closed meanwhile.
    func finishLater(_ response: HTTPResponse, isHead: Bool) {
        guard phase == .responding else { return }
        send(response, isHead: isHead)
        if phase == .idle { drive() } else { writeQueued() }
        if phase != .closed { updateInterest() }
    }

    /// The current exchange is over: back to waiting for the next request, or closing.
    func responseDone() {
        apply(lifecycle.responseFinished(moreInputBuffered: parser.bufferedByteCount > 0))
    }

    /// The server is draining: idle connections close now; busy ones close after their reply.
    func beginShutdown() {
        switch lifecycle.beginShutdown() {
        case .closeNow: close()
        case .endStream: stream?.markClosed()
        case .finishExchange: break
        }
    }
}
