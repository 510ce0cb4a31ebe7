import CShims
import EdgeNet

#if canImport(Glibc)
    import Glibc
#endif

/// The loop-thread half of `RuntimeConnection`: socket events, frame handling, the write queue.
/// Every method here runs on `loop`'s thread only.
extension RuntimeConnection {
    /// Called by the loop when the socket is ready.
    public func handleEvents(_ events: UInt32) {
        if events & EventLoop.writable != 0 { flushOutput() }
        if events & (EventLoop.readable | EventLoop.peerClosed | EventLoop.hangUp | EventLoop.failed) != 0 {
            readAvailable()
        }
    }

    private func readAvailable() {
        for _ in 0..<16 {
            guard !isClosed else { return }
            let n = readBuffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                codec.feed(readBuffer[0..<n])
                processFrames()
                if n < readBuffer.count { return }
            } else if n == 0 {
                shutdown(RuntimeTransportError(.connectionClosed, "the peer closed the runtime connection"))
                return
            } else {
                let code = errno
                if code == EINTR { continue }
                if code == EAGAIN || code == EWOULDBLOCK { return }
                shutdown(
                    RuntimeTransportError(
                        .connectionClosed, "reading the runtime socket: \(String(cString: strerror(code)))"))
                return
            }
        }
    }

    private func processFrames() {
        do {
            while !isClosed, let frame = try codec.nextFrame() {
                let output = try state.receive(frame)
                enqueue(output.frames)
                for event in output.events { handle(event) }
                if case .windowUpdate = frame.payload { wakeWriters(frame.streamID) }
            }
        } catch {
            shutdown(RuntimeTransportError(.connectionClosed, "runtime framing error: \(error)"))
        }
    }

    private func handle(_ event: RuntimeConnectionState.Event) {
        switch event {
        case .requestHead(let id, let head, let flags):
            let stream = RuntimeStream(id: id, request: head, flags: flags, connection: self)
            streams[id] = stream
            if let onStream = callbacks.onStream {
                onStream(stream)
            } else {
                loopCancel(id, code: RuntimeCancel.internalError, message: "this end accepts no streams")
            }
        case .requestBody(let id, let bytes), .responseBody(let id, let bytes):
            streams[id]?.deliverChunk(bytes)
        case .requestEnd(let id), .responseEnd(let id):
            streams[id]?.deliverEnd()
            forgetIfDone(id)
        case .responseHead(let id, let head):
            streams[id]?.deliverHead(head)
        case .cancelled(let id, let reason):
            let error = RuntimeTransportError(
                .cancelled, "stream \(id) cancelled by the peer: \(reason.message)", cancelCode: reason.code)
            streams.removeValue(forKey: id)?.fail(error)
            wakeWriters(id)
        case .pong(let opaque):
            guard let ping = pings.removeValue(forKey: opaque) else { return }
            loop.cancelTimer(ping.timer)
            ping.waiter.resume(returning: ContinuousClock.now - ping.started)
        case .goAway(let last, _, let message):
            callbacks.onGoAway?(last, message)
        }
    }

    /// Encodes `frames` onto the write queue; the queue is written at the end of the loop's turn,
    /// so every frame this turn produced (for every stream) leaves in one system call.
    func enqueue(_ frames: [RuntimeFrame]) {
        guard !frames.isEmpty, !isClosed else { return }
        for frame in frames {
            do {
                output.append(contentsOf: try codec.encode(frame))
            } catch {
                // Only a head can be too large (bodies are split); fail that stream alone.
                let id = frame.streamID
                let message = "stream \(id): \(error.message)"
                enqueue(state.cancel(id, code: RuntimeCancel.internalError, message: message))
                streams.removeValue(forKey: id)?.fail(RuntimeTransportError(.frameTooLarge, message))
            }
        }
        guard !flushScheduled else { return }
        flushScheduled = true
        loop.atTurnEnd { [self] in
            flushScheduled = false
            if !isClosed { flushOutput() }
        }
    }

    /// Writes the queue until it is empty or the socket is full (then waits for `writable`).
    func flushOutput() {
        while outputOffset < output.count {
            let n = output.withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress! + outputOffset, $0.count - outputOffset, Int32(MSG_NOSIGNAL))
            }
            if n > 0 {
                outputOffset += n
                continue
            }
            let code = errno
            if n < 0 && code == EINTR { continue }
            if n < 0 && (code == EAGAIN || code == EWOULDBLOCK) {
                if !watchingWritable {
                    watchingWritable = true
                    loop.modify(fd, events: EventLoop.readable | EventLoop.peerClosed | EventLoop.writable)
                }
                if outputOffset > 1 << 20 {
                    output.removeFirst(outputOffset)
                    outputOffset = 0
                }
                return
            }
            shutdown(
                RuntimeTransportError(
                    .connectionClosed, "writing the runtime socket: \(String(cString: strerror(code)))"))
            return
        }
        output.removeAll(keepingCapacity: output.capacity <= 1 << 20)
        outputOffset = 0
        if watchingWritable {
            watchingWritable = false
            loop.modify(fd, events: EventLoop.readable | EventLoop.peerClosed)
        }
    }

    /// Closes the socket and fails everything still waiting on it; the first call wins.
    func shutdown(_ error: RuntimeTransportError) {
        guard !closedFlag.exchange(true, ordering: .acquiringAndReleasing) else { return }
        if outputOffset < output.count {
            // A last non-blocking attempt, so a goAway or final end is not lost on a clean close.
            _ = output.withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress! + outputOffset, $0.count - outputOffset, Int32(MSG_NOSIGNAL))
            }
        }
        output = []
        outputOffset = 0
        loop.deregister(fd)
        Glibc.close(fd)
        let open = streams
        streams = [:]
        for stream in open.values { stream.fail(error) }
        let writers = blockedWriters
        blockedWriters = [:]
        for waiter in writers.values.joined() { waiter.resume(returning: false) }
        let waiting = pings
        pings = [:]
        for ping in waiting.values {
            loop.cancelTimer(ping.timer)
            ping.waiter.resume(returning: nil)
        }
        callbacks.onClose?(error)
    }

    // MARK: Intents hopped onto the loop

    func loopOpen(_ head: RuntimeRequestHead, flags: RuntimeFrameFlags) -> Result<RuntimeStream, RuntimeTransportError>
    {
        guard !isClosed else { return .failure(Self.closedError) }
        guard let (id, frames) = state.openStream(head, flags: flags) else {
            return .failure(RuntimeTransportError(.goingAway, "the host announced goAway; open the stream elsewhere"))
        }
        let stream = RuntimeStream(id: id, request: head, flags: flags, connection: self)
        streams[id] = stream
        enqueue(frames)
        return .success(stream)
    }

    /// Opens a stream with `body` and its end queued in the same turn (`send(_:body:flags:)`).
    func loopSend(
        _ head: RuntimeRequestHead, body: [UInt8], flags: RuntimeFrameFlags
    ) -> Result<RuntimeStream, RuntimeTransportError> {
        let opened = loopOpen(head, flags: flags)
        guard case .success(let stream) = opened else { return opened }
        if !body.isEmpty { enqueue(state.sendBody(body, on: stream.id)) }
        loopFinish(stream.id)
        return opened
    }

    /// Sends a whole answer: head, `body` (under the watermark) and end, in one turn.
    func loopSendWhole(_ head: RuntimeResponseHead, body: [UInt8], on id: UInt32) {
        enqueue(state.sendHead(head, on: id))
        if !body.isEmpty { enqueue(state.sendBody(body, on: id)) }
        loopFinish(id)
    }

    func loopPing(timeout: Duration, _ waiter: CheckedContinuation<Duration?, Never>) {
        guard !isClosed else { return waiter.resume(returning: nil) }
        let opaque = nextPing
        nextPing &+= 1
        let deadline = MonotonicClock.now() + UInt64(max(0, timeout / .nanoseconds(1)))
        let timer = loop.schedule(at: deadline) { [self] in
            pings.removeValue(forKey: opaque)?.waiter.resume(returning: nil)
        }
        pings[opaque] = (ContinuousClock.now, waiter, timer)
        enqueue([RuntimeFrame(streamID: 0, payload: .ping(opaque))])
    }

    func loopSendHead(_ head: RuntimeResponseHead, on id: UInt32) {
        enqueue(state.sendHead(head, on: id))
    }

    func loopWrite(_ bytes: [UInt8], on id: UInt32, _ done: CheckedContinuation<Bool, Never>) {
        guard !isClosed, let stream = state.streams[id], stream.outboundHeadSent, !stream.outboundEnded,
            !stream.endQueued
        else { return done.resume(returning: false) }
        enqueue(state.sendBody(bytes, on: id))
        if state.queuedBytes(on: id) > configuration.streamWriteWatermark {
            blockedWriters[id, default: []].append(done)
        } else {
            done.resume(returning: true)
        }
    }

    func loopFinish(_ id: UInt32) {
        enqueue(state.sendEnd(on: id))
        forgetIfDone(id)
    }

    func loopCancel(_ id: UInt32, code: UInt32, message: String) {
        enqueue(state.cancel(id, code: code, message: message))
        let reason = message.isEmpty ? "cancelled by this side" : message
        streams.removeValue(forKey: id)?.fail(RuntimeTransportError(.cancelled, reason, cancelCode: code))
        wakeWriters(id)
    }

    /// Resumes `id`'s writers once its queue is under the watermark, or with false once it is gone.
    func wakeWriters(_ id: UInt32) {
        guard let waiting = blockedWriters[id] else { return }
        let alive = state.streams[id] != nil
        guard !alive || state.queuedBytes(on: id) <= configuration.streamWriteWatermark else { return }
        blockedWriters[id] = nil
        for waiter in waiting { waiter.resume(returning: alive) }
        forgetIfDone(id)
    }

    /// Drops the stream from the routing table once the state machine has closed both halves.
    func forgetIfDone(_ id: UInt32) {
        guard state.streams[id] == nil, blockedWriters[id] == nil else { return }
        streams[id] = nil
    }
}
