import Testing

@testable import EdgeKV

/// The wire codec, without sockets: frames survive any split of the byte stream, and bad frames
/// are reported as errors rather than crashes or silent data loss.
@Suite struct KVFrameCodecTests {
    static let requests: [KVRequestFrame] = [
        KVRequestFrame(id: 1, request: .get(namespace: "TOKENS", key: "token:123")),
        KVRequestFrame(
            id: 2,
            request: .put(
                namespace: "TOKENS", key: "tökén", value: Array("value".utf8), expiration: .ttl(seconds: 5),
                metadata: #"{"a":1}"#, ifVersion: 0)),
        KVRequestFrame(
            id: 3,
            request: .put(
                namespace: "N", key: "k", value: [], expiration: .at(unixSeconds: 2_000_000_000), metadata: nil,
                ifVersion: nil)),
        KVRequestFrame(id: 4, request: .delete(namespace: "N", key: "k", ifVersion: 7)),
        KVRequestFrame(id: 5, request: .delete(namespace: "N", key: "k", ifVersion: nil)),
        KVRequestFrame(id: 6, request: .list(namespace: "N", prefix: "p:", limit: 1000, cursor: "cA==")),
        KVRequestFrame(id: 7, request: .list(namespace: "N", prefix: "", limit: 1, cursor: nil)),
        KVRequestFrame(id: UInt64.max, request: .ping),
    ]

    static let responses: [KVResponseFrame] = [
        KVResponseFrame(id: 1, opcode: 1, result: .entry(nil)),
        KVResponseFrame(
            id: 2, opcode: 1,
            result: .entry(KVEntry(value: [0, 1, 255], metadata: "{}", expiration: 1_700_000_000, version: 9))),
        KVResponseFrame(id: 3, opcode: 2, result: .version(42)),
        KVResponseFrame(id: 4, opcode: 3, result: .deleted(true)),
        KVResponseFrame(
            id: 5, opcode: 4,
            result: .page(
                KVListPage(
                    keys: [
                        KVListedKey(name: "a", expiration: nil, metadata: nil),
                        KVListedKey(name: "b", expiration: 5, metadata: "[1]"),
                    ], listComplete: false, cursor: "Yg=="))),
        KVResponseFrame(id: 6, opcode: 5, result: .pong),
        KVResponseFrame(id: 7, opcode: 2, result: .failure(KVError(.conflict, "expected version 3 but it is 4"))),
        KVResponseFrame(id: 8, opcode: 9, result: .failure(KVError(.unknownOperation, "opcode 9"))),
    ]

    /// Feeds `stream` in pieces cut at `cuts` and returns every payload the decoder yields.
    static func decode(_ stream: [UInt8], cuts: [Int]) -> (frames: [[UInt8]], error: KVError?) {
        var decoder = KVFrameDecoder()
        var frames: [[UInt8]] = []
        var start = 0
        for end in cuts + [stream.count] where end >= start {
            decoder.feed(stream[start..<end])
            start = end
            loop: while true {
                switch decoder.next() {
                case .frame(let payload): frames.append(payload)
                case .needMoreBytes: break loop
                case .fail(let error): return (frames, error)
                }
            }
        }
        return (frames, nil)
    }

    @Test func requestsSurviveEverySplitIntoTwoPieces() throws {
        let stream = Self.requests.flatMap { KVWire.encode($0) }
        for cut in 0...stream.count {
            let (frames, error) = Self.decode(stream, cuts: [cut])
            #expect(error == nil)
            let decoded = try frames.map { try KVWire.decodeRequest($0) }
            #expect(decoded == Self.requests, "split at \(cut)")
        }
    }

    @Test func requestsSurviveByteByByteFeeding() throws {
        let stream = Self.requests.flatMap { KVWire.encode($0) }
        let (frames, error) = Self.decode(stream, cuts: Array(0..<stream.count))
        #expect(error == nil)
        #expect(try frames.map { try KVWire.decodeRequest($0) } == Self.requests)
    }

    @Test func responsesSurviveEverySplitAndByteByByte() throws {
        let stream = Self.responses.flatMap { KVWire.encode($0) }
        for cut in 0...stream.count {
            let (frames, error) = Self.decode(stream, cuts: [cut])
            #expect(error == nil)
            #expect(try frames.map { try KVWire.decodeResponse($0) } == Self.responses, "split at \(cut)")
        }
        let (frames, _) = Self.decode(stream, cuts: Array(0..<stream.count))
        #expect(try frames.map { try KVWire.decodeResponse($0) } == Self.responses)
    }

    @Test func aResponseIDIsReadWithoutDecodingTheBody() {
        for response in Self.responses {
            #expect(KVWire.responseID(Array(KVWire.encode(response).dropFirst(4))) == response.id)
        }
        #expect(KVWire.responseID(Array(KVWire.encode(Self.requests[0]).dropFirst(4))) == nil, "a request")
        #expect(KVWire.responseID([0x81, 0, 0]) == nil, "too short")
    }

    @Test func anUnknownOpcodeDecodesSoTheServiceCanAnswerIt() throws {
        var frame = KVWire.encode(KVRequestFrame(id: 77, request: .ping))
        frame[4] = 42
        let (frames, _) = Self.decode(frame, cuts: [])
        #expect(try KVWire.decodeRequest(frames[0]) == KVRequestFrame(id: 77, request: .unknown(opcode: 42)))
    }

    @Test func anOversizedLengthFailsBeforeAnyBodyArrives() {
        var decoder = KVFrameDecoder()
        decoder.feed([0xFF, 0xFF, 0xFF, 0xFF])
        guard case .fail(let error) = decoder.next() else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.code == .frameTooLarge)
        #expect(error.message.contains("4294967295"))
        decoder.feed(KVWire.encode(KVRequestFrame(id: 1, request: .ping)))
        #expect(decoder.next() == .fail(error), "a failed decoder stays failed")
    }

    @Test func theLargestAllowedFrameIsAccepted() {
        var decoder = KVFrameDecoder(maximumFrameLength: 100)
        decoder.feed([0, 0, 0, 100] + [UInt8](repeating: 1, count: 100))
        #expect(decoder.next() == .frame([UInt8](repeating: 1, count: 100)))
        decoder.feed([0, 0, 0, 101])
        guard case .fail(let error) = decoder.next() else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.code == .frameTooLarge)
    }

    /// Payloads (after the length prefix) that must be refused, with the code expected.
    static let malformedRequests: [(String, [UInt8], KVError.Code)] = [
        ("frame shorter than the header", [0, 0, 0, 3, 1, 0, 0], .protocolError),
        ("empty frame", [0, 0, 0, 0], .protocolError),
        (
            "get whose key runs past the end", [0, 0, 0, 14, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0x4E, 0, 9],
            .protocolError
        ),
        (
            "namespace that is not UTF-8", [0, 0, 0, 15, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0xFF, 0, 1, 0x6B],
            .protocolError
        ),
        (
            "trailing bytes after a ping", [0, 0, 0, 10, 5, 0, 0, 0, 0, 0, 0, 0, 1, 0xAA],
            .protocolError
        ),
        (
            "delete with presence byte 2", [0, 0, 0, 16, 3, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0x4E, 0, 1, 0x6B, 2],
            .protocolError
        ),
        ("a response where a request belongs", [0, 0, 0, 10, 0x85, 0, 0, 0, 0, 0, 0, 0, 1, 0], .protocolError),
        ("length over the frame limit", [0x7F, 0, 0, 0], .frameTooLarge),
    ]

    @Test(arguments: malformedRequests)
    func malformedFramesAreReportedAsErrors(name: String, bytes: [UInt8], code: KVError.Code) {
        for cut in 0...bytes.count {
            let (frames, frameError) = Self.decode(bytes, cuts: [cut])
            var error = frameError
            for payload in frames where error == nil {
                do { _ = try KVWire.decodeRequest(payload) } catch let decodeError { error = decodeError }
            }
            #expect(error?.code == code, "\(name), split at \(cut)")
        }
    }

    @Test func aPutWithABadExpirationKindIsRefused() {
        var frame = KVWire.encode(
            KVRequestFrame(
                id: 1,
                request: .put(
                    namespace: "N", key: "k", value: [1], expiration: nil, metadata: nil, ifVersion: nil)))
        // Layout: len4 op1 id8 ns(2+1) key(2+1) value(4+1) metadata(1) expirationKind(1) ifVersion(1).
        frame[frame.count - 2] = 3
        let payload = Array(frame[4...])
        #expect(throws: KVError.self) { try KVWire.decodeRequest(payload) }
    }
}
