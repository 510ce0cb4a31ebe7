import EdgeHTTP

#if canImport(Glibc)
    import Glibc
#endif

extension HTTPConnection {
    /// Queues a response. `.bytes` goes out with `Content-Length`; `.stream` starts a chunked
    /// body (close-delimited for HTTP/1.0 clients, RFC 9112 §6.3 rule 8). A HEAD response gets
    /// the head only (RFC 9110 §9.3.2), as do 1xx, 204 and 304 (RFC 9112 §6.3 rule 1).
    func send(_ response: HTTPResponse, isHead: Bool) {
        let code = response.status.code
        let bodyForbidden = isHead || code == 204 || code == 304 || (100..<200).contains(code)
        switch response.body {
        case .bytes(let bytes):
            // An HTTP/1.0 client keeps the connection only when told `Connection: keep-alive`,
            // which the encoder writes for a 1.0 status line (RFC 9112 §9.3, RFC 9110 §6.2).
            HTTPResponseEncoder.encodeHead(
                response.status, headers: response.headers,
                framing: .length(bodyForbidden && !isHead ? 0 : bytes.count),
                keepAlive: lifecycle.keepAlive, version: requestIsHTTP11 ? .http1_1 : .http1_0, into: &output)
            if !bodyForbidden { output.append(contentsOf: bytes) }
            responseDone()
        case .stream(let produce):
            if bodyForbidden {
                HTTPResponseEncoder.encodeHead(
                    response.status, headers: response.headers, framing: .chunked, keepAlive: lifecycle.keepAlive,
                    into: &output)
                responseDone()
                return
            }
            streamChunked = requestIsHTTP11
            apply(lifecycle.streamStarted(chunked: streamChunked))
            HTTPResponseEncoder.encodeHead(
                response.status, headers: response.headers, framing: streamChunked ? .chunked : .closeDelimited,
                keepAlive: lifecycle.keepAlive, into: &output)
            startStream(produce)
        }
    }

    /// Answers an error (a parse error's status, 408, 413, 417) and closes the connection after it.
    func sendError(_ status: HTTPStatus, _ reason: String) {
        context.logger.debug(
            "request refused", [("status", .int(status.code)), ("reason", .string(reason)), ("peer", .string(peer))])
        let text = Array("\(status.code) \(status.reason): \(reason)\n".utf8)
        HTTPResponseEncoder.encodeHead(
            status, headers: ["Content-Type": "text/plain; charset=utf-8"], framing: .length(text.count),
            keepAlive: false, into: &output)
        output.append(contentsOf: text)
        head = nil
        body = []
        apply(lifecycle.refused())
    }

    /// Writes as much of the queue as the socket takes. When it empties: closes (or starts
    /// lingering) if asked to, wakes a waiting stream writer, and resumes pipelined requests.
    func writeQueued() {
        let before = pendingOutput
        while outputOffset < output.count {
            let written = output.withUnsafeBytes { raw -> Int in
                let start = raw.baseAddress! + outputOffset
                let count = raw.count - outputOffset
                if let tls {
                    switch tls.write(start, count) {
                    case .done(let n): return n
                    case .wantRead, .wantWrite: return 0
                    case .closed, .failed: return -1
                    }
                }
                let n = Glibc.send(fd, start, count, Int32(MSG_NOSIGNAL))
                if n >= 0 { return n }
                return (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) ? 0 : -1
            }
            if written < 0 {
                close()
                return
            }
            if written == 0 { break }
            outputOffset += written
        }
        if outputOffset == output.count {
            outputOffset = 0
            if output.capacity > 256 * 1024 { output = [] } else { output.removeAll(keepingCapacity: true) }
        } else if outputOffset > 64 * 1024 && outputOffset * 2 > output.count {
            output.removeSubrange(0..<outputOffset)
            outputOffset = 0
        }
        let after = pendingOutput
        if after != accountedOutput {
            // Only queues that outlive this call are counted, so the usual request (answered and
            // flushed at once) touches no shared counter.
            context.queuedOutputBytes.add(after - accountedOutput, ordering: .relaxed)
            accountedOutput = after
        }
        if after != before && phase == .idle && after > watermark { apply(lifecycle.outputHeld()) }
        if after == 0 {
            switch lifecycle.outputEmptied() {
            case .nothing: break
            case .close:
                close()
                return
            case .linger:
                startLingering()
                return
            }
        }
        if after <= watermark / 2 && !drainWaiters.isEmpty { resumeDrainWaiters(true) }
        if before > watermark && after <= watermark
            && phase == .idle
        {
            drive()
        }
        if phase != .closed { updateInterest() }
    }

    /// Watches for input unless it should wait, and for output while the queue is not empty.
    func updateInterest() {
        guard phase != .closed else { return }
        var wanted: UInt32 = 0
        // While a reply is pending or the queue is over the watermark no request is parsed, so
        // input piles up in the parser: stop reading once it holds `inputLimit` bytes.
        let inputFull =
            lifecycle.holdsInput(outputOverWatermark: pendingOutput > watermark)
            && parser.bufferedByteCount >= context.inputLimit
        if !lifecycle.peerClosed && !inputFull { wanted |= EventLoop.readable | EventLoop.peerClosed }
        if pendingOutput > 0 || tlsReadNeedsWritable { wanted |= EventLoop.writable }
        if wanted != interest {
            interest = wanted
            loop.modify(fd, events: wanted)
        }
    }

    /// Shuts the write side after the last response and drops input until the peer closes or
    /// the linger time passes.
    private func startLingering() {
        tls?.shutdown()
        shutdown(fd, Int32(SHUT_WR))
        apply(.linger)
        updateInterest()
    }

    /// Closes the socket now: ends a running stream, fails a waiting writer, frees the slot.
    func close() {
        guard phase != .closed else { return }
        lifecycle.closed()
        if let timerID { loop.cancelTimer(timerID) }
        timerID = nil
        if accountedOutput != 0 { context.queuedOutputBytes.subtract(accountedOutput, ordering: .relaxed) }
        accountedOutput = 0
        output = []
        outputOffset = 0
        stream?.markClosed()
        stream = nil
        resumeDrainWaiters(false)
        tls = nil
        loop.deregister(fd)
        Glibc.close(fd)
        owner.connectionClosed(fd)
    }

    /// Wakes every parked stream writer with `result` (true: go on writing; false: stop).
    func resumeDrainWaiters(_ result: Bool) {
        let waiters = drainWaiters
        drainWaiters = []
        for waiter in waiters { waiter.resume(returning: result) }
    }
}
