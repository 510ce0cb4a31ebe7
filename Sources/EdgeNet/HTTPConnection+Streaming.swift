import EdgeHTTP

extension HTTPConnection {
    /// Runs a streamed body's producer as a task, handing it a `ConnectionResponseStream`.
    func startStream(_ produce: @escaping @Sendable (ResponseStream) async -> Void) {
        phase = .streaming
        setDeadline(.max)
        let responseStream = ConnectionResponseStream(
            connection: self, heartbeat: context.configuration.heartbeatInterval)
        stream = responseStream
        if shuttingDown { responseStream.markClosed() }
        writeQueued()
        let loop = owner.loop
        Task {
            await produce(responseStream)
            loop.execute { self.finishStream(responseStream) }
        }
    }

    /// Queues one write of a stream and flushes it; the writer resumes at once while the queue
    /// is under the watermark, otherwise when it drains to half of it (back-pressure).
    func streamWrite(_ bytes: [UInt8], from source: ConnectionResponseStream, _ done: CheckedContinuation<Bool, Never>)
    {
        guard phase == .streaming, stream === source, !source.isClosed else {
            done.resume(returning: false)
            return
        }
        if bytes.isEmpty {
            done.resume(returning: true)
            return
        }
        if streamChunked {
            HTTPResponseEncoder.encodeChunk(bytes, into: &output)
        } else {
            output.append(contentsOf: bytes)
        }
        writeQueued()
        if phase == .closed {
            done.resume(returning: false)
        } else if pendingOutput > context.configuration.streamHighWatermark {
            drainWaiter = done
        } else {
            done.resume(returning: true)
        }
    }

    /// The producer returned: end the chunked body (RFC 9112 §7.1) and go on with the next
    /// request, or close a close-delimited one.
    func finishStream(_ source: ConnectionResponseStream) {
        guard phase == .streaming, stream === source else { return }
        source.markClosed()
        stream = nil
        if let waiter = drainWaiter {
            drainWaiter = nil
            waiter.resume(returning: false)
        }
        if streamChunked { output.append(contentsOf: HTTPResponseEncoder.lastChunk) }
        responseDone()
        if phase == .idle && !closeAfterFlush { drive() } else { writeQueued() }
    }
}
