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
            HTTPResponseEncoder.encodeHead(
                response.status, headers: response.headers,
                framing: .length(bodyForbidden && !isHead ? 0 : bytes.count),
                keepAlive: keepAlive, into: &output)
            if !bodyForbidden { output.append(contentsOf: bytes) }
            responseDone()
        case .stream(let produce):
            if bodyForbidden {
                HTTPResponseEncoder.encodeHead(
                    response.status, headers: response.headers, framing: .chunked, keepAlive: keepAlive, into: &output)
                responseDone()
                return
            }
            streamChunked = requestIsHTTP11
            if !streamChunked { keepAlive = false }
            HTTPResponseEncoder.encodeHead(
                response.status, headers: response.headers, framing: streamChunked ? .chunked : .closeDelimited,
                keepAlive: keepAlive, into: &output)
            startStream(produce)
        }
    }

    /// Answers an error (a parse error's status, 408, 413, 417) and closes the connection after it.
    func sendError(_ status: HTTPStatus, _ reason: String) {
        let text = Array("\(status.code) \(status.reason): \(reason)\n".utf8)
        keepAlive = false
        HTTPResponseEncoder.encodeHead(
            status, headers: ["Content-Type": "text/plain; charset=utf-8"], framing: .length(text.count),
            keepAlive: false, into: &output)
        output.append(contentsOf: text)
        head = nil
        body = []
        phase = .idle
        closeAfterFlush = true
        setDeadline(.max)
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
                context.queuedOutputBytes.subtract(before, ordering: .relaxed)
                output = []
                outputOffset = 0
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
        if after != before { context.queuedOutputBytes.add(after - before, ordering: .relaxed) }
        if after == 0 && closeAfterFlush {
            startLingering()
            return
        }
        if after <= context.configuration.streamHighWatermark / 2, let waiter = drainWaiter {
            drainWaiter = nil
            waiter.resume(returning: true)
        }
        if before > context.configuration.streamHighWatermark && after <= context.configuration.streamHighWatermark
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
        let busy = phase == .responding || phase == .streaming
        let inputFull = busy && parser.bufferedByteCount >= context.inputLimit
        if !peerClosed && !inputFull { wanted |= EventLoop.readable | EventLoop.peerClosed }
        if pendingOutput > 0 || tlsReadNeedsWritable { wanted |= EventLoop.writable }
        if wanted != interest {
            interest = wanted
            owner.loop.modify(fd, events: wanted)
        }
    }

    /// Shuts the write side after the last response and drops input until the peer closes or
    /// the linger time passes.
    private func startLingering() {
        guard phase != .lingering && phase != .closed else { return }
        if peerClosed {
            close()
            return
        }
        tls?.shutdown()
        shutdown(fd, Int32(SHUT_WR))
        phase = .lingering
        setDeadline(MonotonicClock.now() + context.lingerTimeout)
        updateInterest()
    }

    /// Closes the socket now: ends a running stream, fails a waiting writer, frees the slot.
    func close() {
        guard phase != .closed else { return }
        phase = .closed
        if let timerID { owner.loop.cancelTimer(timerID) }
        timerID = nil
        if pendingOutput > 0 { context.queuedOutputBytes.subtract(pendingOutput, ordering: .relaxed) }
        output = []
        outputOffset = 0
        stream?.markClosed()
        stream = nil
        if let waiter = drainWaiter {
            drainWaiter = nil
            waiter.resume(returning: false)
        }
        tls = nil
        owner.loop.deregister(fd)
        Glibc.close(fd)
        owner.connectionClosed(fd)
    }
}
