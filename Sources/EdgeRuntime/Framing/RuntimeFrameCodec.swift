/// Turns `RuntimeFrame`s into bytes and bytes back into frames, with no I/O.
///
/// The decoder is a state machine: `feed(_:)` appends whatever the socket delivered (any split,
/// one byte at a time if need be), and `nextFrame()` returns each complete frame in order, or nil
/// when it needs more bytes. A frame whose length exceeds `maximumPayloadSize`, an unknown type,
/// a payload that does not parse, or a frame on the wrong stream is a `RuntimeFrameError`; the
/// decoder then stays failed, because a byte stream that lost its framing cannot be resynchronised
/// (RFC 9113 §4.2 treats a bad length as a connection error for the same reason).
///
/// The length is checked from the header alone, before the payload arrives, so a peer cannot make
/// the decoder buffer more than one maximum-size frame.
public struct RuntimeFrameCodec: Sendable {
    /// The bytes before every payload: length (4), type (1), flags (1), stream id (4).
    public static let headerSize = 10
    /// The default largest payload: 1 MiB. Body chunks are split to fit (see `bodyChunkLimit`).
    public static let defaultMaximumPayloadSize = 1 << 20

    /// The largest payload this codec encodes or accepts.
    public let maximumPayloadSize: Int

    private var buffer: [UInt8] = []
    private var readIndex = 0
    private var state = State.header

    private enum State: Sendable {
        /// Waiting for the 10 header bytes.
        case header
        /// Header read; waiting for `length` payload bytes.
        case payload(length: Int, type: RuntimeFrameType, flags: RuntimeFrameFlags, streamID: UInt32)
        /// A framing error happened; every later call reports it again.
        case failed(RuntimeFrameError)
    }

    /// A codec that refuses payloads over `maximumPayloadSize` bytes.
    public init(maximumPayloadSize: Int = RuntimeFrameCodec.defaultMaximumPayloadSize) {
        self.maximumPayloadSize = max(64, maximumPayloadSize)
    }

    /// Bytes received and not yet returned as frames.
    public var bufferedByteCount: Int { buffer.count - readIndex }

    /// Appends bytes read from the connection.
    public mutating func feed<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        if readIndex > 0 && readIndex >= buffer.count / 2 {
            buffer.removeFirst(readIndex)
            readIndex = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete frame, or nil until more bytes arrive.
    public mutating func nextFrame() throws(RuntimeFrameError) -> RuntimeFrame? {
        while true {
            switch state {
            case .failed(let error):
                throw error
            case .header:
                guard bufferedByteCount >= Self.headerSize else { return nil }
                do {
                    state = try readHeader()
                } catch {
                    state = .failed(error)
                    throw error
                }
            case .payload(let length, let type, let flags, let streamID):
                guard bufferedByteCount >= length else { return nil }
                let payload = buffer[readIndex..<readIndex + length]
                readIndex += length
                do {
                    let frame = try Self.decodePayload(payload, type: type, flags: flags, streamID: streamID)
                    state = .header
                    return frame
                } catch {
                    state = .failed(error)
                    throw error
                }
            }
        }
    }

    private mutating func readHeader() throws(RuntimeFrameError) -> State {
        var reader = RuntimeFrameReader(buffer[readIndex..<readIndex + Self.headerSize], type: .ping)
        let length = Int(try reader.u32("length"))
        let typeByte = try reader.u8("type")
        let flags = RuntimeFrameFlags(rawValue: try reader.u8("flags"))
        let streamID = try reader.u32("stream id")
        readIndex += Self.headerSize
        guard length <= maximumPayloadSize else {
            throw RuntimeFrameError(
                .frameTooLarge,
                "frame on stream \(streamID) declares \(length) bytes; the limit is \(maximumPayloadSize)")
        }
        guard let type = RuntimeFrameType(rawValue: typeByte) else {
            throw RuntimeFrameError(.unknownType, "frame type \(typeByte) on stream \(streamID) is not defined")
        }
        guard type.isConnectionLevel == (streamID == 0) else {
            let expected = type.isConnectionLevel ? "stream 0" : "a stream other than 0"
            throw RuntimeFrameError(.invalidStream, "\(type) frame on stream \(streamID); it belongs on \(expected)")
        }
        return .payload(length: length, type: type, flags: flags, streamID: streamID)
    }

    /// The bytes of `frame`: header then payload.
    ///
    /// Throws `.frameTooLarge` when the payload would exceed `maximumPayloadSize` (split bodies with
    /// `bodyChunkLimit`) and `.invalidStream` when the frame is on the wrong kind of stream, so a bug
    /// on the sending side shows up where it happens instead of as a decode error on the peer.
    public func encode(_ frame: RuntimeFrame) throws(RuntimeFrameError) -> [UInt8] {
        guard frame.type.isConnectionLevel == (frame.streamID == 0) else {
            throw RuntimeFrameError(.invalidStream, "cannot send \(frame.type) on stream \(frame.streamID)")
        }
        if case .windowUpdate(let increment) = frame.payload {
            try Self.checkIncrement(increment, streamID: frame.streamID)
        }
        let payload = Self.encodePayload(frame.payload)
        guard payload.count <= maximumPayloadSize else {
            throw RuntimeFrameError(
                .frameTooLarge, "\(frame.type) payload is \(payload.count) bytes; the limit is \(maximumPayloadSize)")
        }
        var out = RuntimeFrameWriter()
        out.bytes.reserveCapacity(Self.headerSize + payload.count)
        out.u32(UInt32(payload.count))
        out.u8(frame.type.rawValue)
        out.u8(frame.flags.rawValue)
        out.u32(frame.streamID)
        out.bytes.append(contentsOf: payload)
        return out.bytes
    }

    /// The most body bytes one `requestBody`/`responseBody` frame may carry.
    public var bodyChunkLimit: Int { maximumPayloadSize }

    static func checkIncrement(_ increment: UInt32, streamID: UInt32) throws(RuntimeFrameError) {
        guard increment > 0, increment <= StreamFlowControl.maximumWindow else {
            throw RuntimeFrameError(
                .flowControl,
                "window increment \(increment) on stream \(streamID) is outside 1...\(StreamFlowControl.maximumWindow)")
        }
    }
}
