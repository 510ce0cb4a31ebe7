extension RuntimeConnectionState {
    /// Router: opens the next stream with `head`; nil once a `goAway` forbids new streams.
    public mutating func openStream(
        _ head: RuntimeRequestHead, flags: RuntimeFrameFlags = []
    ) -> (streamID: UInt32, frames: [RuntimeFrame])? {
        guard role == .router, goAwayLimit == nil, lastStreamID < UInt32.max else { return nil }
        lastStreamID += 1
        var stream = Stream(flow: StreamFlowControl(initialWindow: initialWindow))
        stream.outboundHeadSent = true
        streams[lastStreamID] = stream
        return (lastStreamID, [RuntimeFrame(streamID: lastStreamID, flags: flags, payload: .requestHead(head))])
    }

    /// Host: the response head for `streamID`; nothing when the stream is gone or already answered.
    public mutating func sendHead(_ head: RuntimeResponseHead, on streamID: UInt32) -> [RuntimeFrame] {
        guard role == .host, var stream = streams[streamID], !stream.outboundHeadSent else { return [] }
        stream.outboundHeadSent = true
        streams[streamID] = stream
        return [RuntimeFrame(streamID: streamID, payload: .responseHead(head))]
    }

    /// Queues body bytes on `streamID` and returns the frames the stream's credit allows now; the
    /// rest leaves as the peer grants credit. Nothing happens on a stream that is gone.
    public mutating func sendBody(_ bytes: [UInt8], on streamID: UInt32) -> [RuntimeFrame] {
        guard var stream = streams[streamID], stream.outboundHeadSent, !stream.outboundEnded, !stream.endQueued
        else { return [] }
        stream.queued.append(contentsOf: bytes)
        streams[streamID] = stream
        return flush(streamID)
    }

    /// Ends this side's half of `streamID`, after any queued body.
    public mutating func sendEnd(on streamID: UInt32) -> [RuntimeFrame] {
        guard var stream = streams[streamID], stream.outboundHeadSent, !stream.outboundEnded else { return [] }
        stream.endQueued = true
        streams[streamID] = stream
        return flush(streamID)
    }

    /// Abandons `streamID` (the client left, the object failed) and tells the peer.
    public mutating func cancel(_ streamID: UInt32, code: UInt32, message: String = "") -> [RuntimeFrame] {
        guard streams.removeValue(forKey: streamID) != nil else { return [] }
        return [cancelFrame(streamID, code, message)]
    }

    /// Reports that `count` received body bytes were used, granting credit back when due.
    public mutating func consumed(_ count: Int, on streamID: UInt32) -> [RuntimeFrame] {
        guard var stream = streams[streamID], !stream.inboundEnded else { return [] }
        let action = stream.flow.consumed(count)
        streams[streamID] = stream
        guard case .sendWindowUpdate(let increment) = action else { return [] }
        return [RuntimeFrame(streamID: streamID, payload: .windowUpdate(increment: increment))]
    }

    /// Announces that no stream after the last one opened will be accepted, for a graceful drain
    /// (RFC 9113 §6.8).
    public mutating func goAway(code: UInt32, message: String) -> RuntimeFrame {
        goAwayLimit = lastStreamID
        return RuntimeFrame(streamID: 0, payload: .goAway(lastStreamID: lastStreamID, code: code, message: message))
    }

    /// Sends what credit allows from `streamID`'s queue, then the end if it was asked for and the
    /// queue is empty.
    mutating func flush(_ streamID: UInt32) -> [RuntimeFrame] {
        guard var stream = streams[streamID] else { return [] }
        var frames: [RuntimeFrame] = []
        var offset = 0
        while offset < stream.queued.count {
            let size = stream.flow.takeSendCredit(upTo: min(maximumChunk, stream.queued.count - offset))
            guard size > 0 else { break }
            let chunk = Array(stream.queued[offset..<offset + size])
            frames.append(
                RuntimeFrame(streamID: streamID, payload: role == .router ? .requestBody(chunk) : .responseBody(chunk)))
            offset += size
        }
        stream.queued.removeFirst(offset)
        if stream.endQueued && stream.queued.isEmpty {
            stream.outboundEnded = true
            stream.endQueued = false
            frames.append(RuntimeFrame(streamID: streamID, payload: role == .router ? .requestEnd : .responseEnd))
        }
        streams[streamID] = stream
        closeIfDone(streamID)
        return frames
    }
}
