/// Splits a byte stream into frame payloads: the length-prefix state machine of the KV protocol.
///
/// Free of I/O: the connection feeds whatever `read(2)` returned, at any split, and asks for
/// frames until it needs more bytes. A length prefix over `maximumFrameLength` or under the
/// 9-byte header is reported at once, before any body is buffered, so a hostile or confused peer
/// cannot make the service allocate 4 GiB. After an error the decoder stays failed: the stream's
/// framing is lost and the connection must close.
public struct KVFrameDecoder: Sendable {
    /// The largest payload accepted: the 25 MiB value limit plus room for the other fields.
    public static let maximumFrameLength = KVLimits.maximumValueBytes + 64 * 1024
    /// The smallest payload: opcode and request id.
    public static let minimumFrameLength = KVWire.requestHeaderLength

    /// What the caller should do next.
    public enum Action: Sendable, Hashable {
        /// A complete payload (length prefix removed).
        case frame([UInt8])
        /// Feed more bytes, then ask again.
        case needMoreBytes
        /// The stream is broken; close the connection, logging the error's message.
        case fail(KVError)
    }

    private enum State: Sendable {
        case awaitingLength
        case awaitingPayload(length: Int)
        case failed(KVError)
    }

    private var state: State = .awaitingLength
    private var buffer: [UInt8] = []
    private var readIndex = 0
    private let maximumFrameLength: Int

    /// A decoder that rejects payloads over `maximumFrameLength` bytes.
    public init(maximumFrameLength: Int = KVFrameDecoder.maximumFrameLength) {
        self.maximumFrameLength = maximumFrameLength
    }

    /// Bytes received but not yet returned as frames.
    public var bufferedByteCount: Int { buffer.count - readIndex }

    /// Appends bytes from the stream.
    public mutating func feed(_ bytes: some Sequence<UInt8>) {
        if case .failed = state { return }
        compactIfWorthwhile()
        buffer.append(contentsOf: bytes)
    }

    /// Appends bytes from a raw buffer (what `read(2)` filled).
    public mutating func feed(_ bytes: UnsafeRawBufferPointer) {
        if case .failed = state { return }
        compactIfWorthwhile()
        buffer.append(contentsOf: bytes)
    }

    /// The next complete frame, a request for more bytes, or the error that broke the stream.
    public mutating func next() -> Action {
        while true {
            switch state {
            case .failed(let error):
                return .fail(error)
            case .awaitingLength:
                guard bufferedByteCount >= 4 else { return .needMoreBytes }
                var length = 0
                for offset in 0..<4 { length = length << 8 | Int(buffer[readIndex + offset]) }
                readIndex += 4
                if length > maximumFrameLength {
                    return fail(
                        KVError(
                            .frameTooLarge,
                            "frame of \(length) bytes exceeds the \(maximumFrameLength)-byte limit"))
                }
                if length < Self.minimumFrameLength {
                    return fail(
                        KVError(
                            .protocolError,
                            "frame of \(length) bytes is shorter than the \(Self.minimumFrameLength)-byte header"))
                }
                state = .awaitingPayload(length: length)
            case .awaitingPayload(let length):
                guard bufferedByteCount >= length else {
                    buffer.reserveCapacity(readIndex + length)
                    return .needMoreBytes
                }
                let payload = Array(buffer[readIndex..<readIndex + length])
                readIndex += length
                state = .awaitingLength
                if readIndex == buffer.count {
                    buffer.removeAll(keepingCapacity: buffer.capacity <= 1 << 20)
                    readIndex = 0
                }
                return .frame(payload)
            }
        }
    }

    private mutating func fail(_ error: KVError) -> Action {
        state = .failed(error)
        buffer = []
        readIndex = 0
        return .fail(error)
    }

    private mutating func compactIfWorthwhile() {
        if readIndex > 0 && readIndex >= buffer.count / 2 {
            buffer.removeSubrange(0..<readIndex)
            readIndex = 0
        }
    }
}
