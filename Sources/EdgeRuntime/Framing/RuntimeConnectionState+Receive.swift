extension RuntimeConnectionState {
    /// Takes one frame from the peer. Throws for a connection error (the connection must close);
    /// stream errors come back as a `cancel` frame and a `.cancelled` event instead.
    public mutating func receive(_ frame: RuntimeFrame) throws(RuntimeFrameError) -> Output {
        var out = Output()
        let id = frame.streamID
        switch frame.payload {
        case .ping(let opaque):
            out.frames.append(RuntimeFrame(streamID: 0, payload: .pong(opaque)))
        case .pong(let opaque):
            out.events.append(.pong(opaque))
        case .goAway(let last, let code, let message):
            goAwayLimit = min(goAwayLimit ?? last, last)
            out.events.append(.goAway(lastStreamID: last, code: code, message: message))
        case .cancel(let reason):
            if streams.removeValue(forKey: id) != nil { out.events.append(.cancelled(streamID: id, reason)) }
        case .windowUpdate(let increment):
            guard var stream = streams[id] else { return try ignoreClosed(id) }
            if try stream.flow.peerGranted(increment) == .resumeSending {
                streams[id] = stream
                out.frames = flush(id)
            } else {
                streams[id] = stream
            }
        case .requestHead(let head):
            try expectInbound(.host, frame)
            guard id > lastStreamID else {
                throw RuntimeFrameError(
                    .invalidStream, "requestHead on stream \(id), but stream ids must increase past \(lastStreamID)")
            }
            lastStreamID = id
            if let limit = goAwayLimit, id > limit {
                out.frames.append(cancelFrame(id, RuntimeCancel.shuttingDown, "the host is going away"))
                return out
            }
            var stream = Stream(flow: StreamFlowControl(initialWindow: initialWindow))
            stream.inboundHeadSeen = true
            streams[id] = stream
            out.events.append(.requestHead(streamID: id, head, frame.flags))
        case .responseHead(let head):
            try expectInbound(.router, frame)
            guard var stream = streams[id] else { return try ignoreClosed(id) }
            guard !stream.inboundHeadSeen else { return streamError(id, "a second responseHead") }
            stream.inboundHeadSeen = true
            streams[id] = stream
            out.events.append(.responseHead(streamID: id, head))
        case .requestBody(let bytes), .responseBody(let bytes):
            try expectInbound(frame.type == .requestBody ? .host : .router, frame)
            guard var stream = streams[id] else { return try ignoreClosed(id) }
            guard stream.inboundHeadSeen, !stream.inboundEnded else {
                return streamError(id, stream.inboundEnded ? "body after the end" : "body before the head")
            }
            do {
                try stream.flow.peerSent(bytes.count)
            } catch {
                streams[id] = nil
                out.frames.append(cancelFrame(id, RuntimeCancel.flowControl, error.message))
                out.events.append(
                    .cancelled(streamID: id, RuntimeCancel(code: RuntimeCancel.flowControl, message: error.message)))
                return out
            }
            streams[id] = stream
            out.events.append(
                role == .host ? .requestBody(streamID: id, bytes) : .responseBody(streamID: id, bytes))
        case .requestEnd, .responseEnd:
            try expectInbound(frame.type == .requestEnd ? .host : .router, frame)
            guard var stream = streams[id] else { return try ignoreClosed(id) }
            guard stream.inboundHeadSeen, !stream.inboundEnded else {
                return streamError(id, stream.inboundEnded ? "a second end" : "an end before the head")
            }
            stream.inboundEnded = true
            stream.flow.closeReceiving()
            streams[id] = stream
            out.events.append(role == .host ? .requestEnd(streamID: id) : .responseEnd(streamID: id))
            closeIfDone(id)
        }
        return out
    }

    /// Refuses a frame that only the other role may receive (a host sending a request, say).
    private func expectInbound(_ receiver: Role, _ frame: RuntimeFrame) throws(RuntimeFrameError) {
        guard role == receiver else {
            throw RuntimeFrameError(
                .invalidStream, "\(frame.type) on stream \(frame.streamID) may not be sent to the \(role)")
        }
    }

    /// A frame for a stream that is not open: ignored if the stream existed once, else an error.
    private func ignoreClosed(_ id: UInt32) throws(RuntimeFrameError) -> Output {
        guard id <= lastStreamID else {
            throw RuntimeFrameError(.invalidStream, "frame on stream \(id), which was never opened")
        }
        return Output()
    }

    /// Cancels stream `id` for breaking the frame order, telling both sides.
    private mutating func streamError(_ id: UInt32, _ what: String) -> Output {
        streams[id] = nil
        let message = "stream \(id) received \(what)"
        return Output(
            events: [.cancelled(streamID: id, RuntimeCancel(code: RuntimeCancel.protocolError, message: message))],
            frames: [cancelFrame(id, RuntimeCancel.protocolError, message)])
    }

    func cancelFrame(_ id: UInt32, _ code: UInt32, _ message: String) -> RuntimeFrame {
        RuntimeFrame(streamID: id, payload: .cancel(RuntimeCancel(code: code, message: message)))
    }
}
