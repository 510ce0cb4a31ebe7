import EdgeHTTP
import Testing

@testable import EdgeRuntime

/// One frame of every type, with content that exercises each field.
let sampleFrames: [RuntimeFrame] = [
    RuntimeFrame(
        streamID: 1, flags: .reconnect,
        payload: .requestHead(
            RuntimeRequestHead(
                head: HTTPRequestHead(
                    method: .post, target: "/messages?sessionId=abc",
                    headers: HTTPHeaders([("Content-Type", "application/json"), ("X-Dup", "1"), ("x-dup", "2")])),
                objectClass: "MCP", objectID: "user-ü-42", props: ["schwabUserId": "u1", "clientId": "c9"],
                remoteAddress: "127.0.0.1"))),
    RuntimeFrame(streamID: 1, payload: .requestBody(Array("{\"jsonrpc\":\"2.0\"}".utf8))),
    RuntimeFrame(streamID: 1, payload: .requestEnd),
    RuntimeFrame(
        streamID: 1,
        payload: .responseHead(
            RuntimeResponseHead(status: HTTPStatus(200), headers: ["Content-Type": "text/event-stream"]))),
    RuntimeFrame(streamID: 1, payload: .responseBody(Array("event: endpoint\ndata: /x\n\n".utf8))),
    RuntimeFrame(streamID: 1, payload: .responseBody([])),
    RuntimeFrame(streamID: 1, payload: .responseEnd),
    RuntimeFrame(streamID: 7, payload: .cancel(RuntimeCancel(code: RuntimeCancel.notOwner, message: "held by host 2"))),
    RuntimeFrame(streamID: 3, payload: .windowUpdate(increment: 65_536)),
    RuntimeFrame(streamID: 0, payload: .ping(0xDEAD_BEEF_0000_0001)),
    RuntimeFrame(streamID: 0, payload: .pong(42)),
    RuntimeFrame(streamID: 0, payload: .goAway(lastStreamID: 9, code: RuntimeCancel.shuttingDown, message: "drain")),
]

@Suite("RuntimeFrameCodec")
struct RuntimeFrameCodecTests {
    @Test("every frame type round-trips", arguments: sampleFrames)
    func roundTrip(frame: RuntimeFrame) throws {
        var codec = RuntimeFrameCodec()
        codec.feed(try codec.encode(frame))
        #expect(try codec.nextFrame() == frame)
        #expect(try codec.nextFrame() == nil)
        #expect(codec.bufferedByteCount == 0)
    }

    @Test("all frames decode identically at every split of the byte stream")
    func everySplit() throws {
        let encoder = RuntimeFrameCodec()
        let bytes = try sampleFrames.flatMap { try encoder.encode($0) }
        for split in 0...bytes.count {
            var codec = RuntimeFrameCodec()
            var decoded: [RuntimeFrame] = []
            for part in [bytes[..<split], bytes[split...]] {
                codec.feed(part)
                while let frame = try codec.nextFrame() { decoded.append(frame) }
            }
            #expect(decoded == sampleFrames, "split at \(split)")
        }
    }

    @Test("frames fed one byte at a time come out whole and in order")
    func byteAtATime() throws {
        let encoder = RuntimeFrameCodec()
        let bytes = try sampleFrames.flatMap { try encoder.encode($0) }
        var codec = RuntimeFrameCodec()
        var decoded: [RuntimeFrame] = []
        for byte in bytes {
            codec.feed([byte])
            while let frame = try codec.nextFrame() { decoded.append(frame) }
        }
        #expect(decoded == sampleFrames)
    }

    @Test("a declared length over the maximum fails from the header alone")
    func oversizedHeader() throws {
        var codec = RuntimeFrameCodec(maximumPayloadSize: 1024)
        // length 1025, type requestBody, no flags, stream 1: no payload bytes follow.
        codec.feed([0, 0, 4, 1, 2, 0, 0, 0, 0, 1])
        #expect(throws: RuntimeFrameError.self) { try codec.nextFrame() }
        do {
            _ = try codec.nextFrame()
            Issue.record("the decoder should stay failed")
        } catch {
            #expect(error.code == .frameTooLarge)
        }
    }

    @Test("the encoder refuses a body larger than the maximum payload")
    func oversizedEncode() {
        let codec = RuntimeFrameCodec(maximumPayloadSize: 100)
        #expect(throws: RuntimeFrameError(.frameTooLarge, "responseBody payload is 101 bytes; the limit is 100")) {
            try codec.encode(RuntimeFrame(streamID: 1, payload: .responseBody(Array(repeating: 0, count: 101))))
        }
    }

    /// Malformed input and the error code it must produce.
    static let malformed: [(name: String, bytes: [UInt8], code: RuntimeFrameError.Code)] = [
        ("unknown type", [0, 0, 0, 0, 99, 0, 0, 0, 0, 1], .unknownType),
        ("type zero", [0, 0, 0, 0, 0, 0, 0, 0, 0, 1], .unknownType),
        ("body on stream 0", [0, 0, 0, 1, 2, 0, 0, 0, 0, 0, 65], .invalidStream),
        ("ping on stream 5", [0, 0, 0, 8, 9, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0], .invalidStream),
        ("ping too short", [0, 0, 0, 4, 9, 0, 0, 0, 0, 0, 1, 2, 3, 4], .malformedPayload),
        ("pong with trailing bytes", [0, 0, 0, 9, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 9], .malformedPayload),
        ("requestEnd with a payload", [0, 0, 0, 1, 3, 0, 0, 0, 0, 1, 0], .malformedPayload),
        ("window increment zero", [0, 0, 0, 4, 8, 0, 0, 0, 0, 1, 0, 0, 0, 0], .flowControl),
        ("window increment over 2^31-1", [0, 0, 0, 4, 8, 0, 0, 0, 0, 1, 0x80, 0, 0, 0], .flowControl),
        ("string length past the end", [0, 0, 0, 8, 7, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 9], .malformedPayload),
        ("invalid UTF-8 message", [0, 0, 0, 9, 7, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0xFF], .malformedPayload),
        ("status code 42", [0, 0, 0, 10, 4, 0, 0, 0, 0, 1, 0, 42, 0, 0, 0, 0, 0, 0, 0, 0], .malformedPayload),
        (
            "header count beyond the payload", [0, 0, 0, 10, 4, 0, 0, 0, 0, 1, 0, 200, 0, 0, 0, 0, 0xFF, 0, 0, 0],
            .malformedPayload
        ),
    ]

    @Test("malformed frames are errors with a code", arguments: malformed.indices)
    func malformedFrames(index: Int) {
        let (name, bytes, code) = Self.malformed[index]
        var codec = RuntimeFrameCodec()
        codec.feed(bytes)
        do {
            let frame = try codec.nextFrame()
            Issue.record("\(name): decoded \(String(describing: frame)) instead of failing")
        } catch {
            #expect(error.code == code, "\(name): \(error)")
        }
    }

    @Test("a frame after a malformed one is never returned")
    func failedStaysFailed() throws {
        var codec = RuntimeFrameCodec()
        codec.feed([0, 0, 0, 0, 99, 0, 0, 0, 0, 1])
        codec.feed(try codec.encode(RuntimeFrame(streamID: 0, payload: .ping(1))))
        #expect(throws: RuntimeFrameError.self) { try codec.nextFrame() }
        #expect(throws: RuntimeFrameError.self) { try codec.nextFrame() }
    }

    @Test("the encoder refuses a stream frame on stream 0 and a zero window increment")
    func encoderRefusesInvalidFrames() {
        let codec = RuntimeFrameCodec()
        #expect(throws: RuntimeFrameError.self) { try codec.encode(RuntimeFrame(streamID: 0, payload: .requestEnd)) }
        #expect(throws: RuntimeFrameError.self) {
            try codec.encode(RuntimeFrame(streamID: 2, payload: .windowUpdate(increment: 0)))
        }
    }
}

@Suite("ObjectRequest")
struct ObjectRequestTests {
    @Test("a decoded requestHead and its body become the object's event, reconnect flag included")
    func fromFrames() throws {
        let codec = RuntimeFrameCodec()
        var decoder = RuntimeFrameCodec()
        for frame in sampleFrames.prefix(3) { decoder.feed(try codec.encode(frame)) }
        guard case .requestHead(let head) = try decoder.nextFrame()?.payload,
            case .requestBody(let body) = try decoder.nextFrame()?.payload
        else { throw RuntimeTestFailure("expected a head and a body") }
        let request = ObjectRequest(head: head, body: body, flags: .reconnect)
        #expect(request.address == ObjectAddress(className: "MCP", id: "user-ü-42"))
        #expect(request.props == ["schwabUserId": "u1", "clientId": "c9"])
        #expect(request.isReconnect)
        #expect(request.http.head.target == "/messages?sessionId=abc")
        #expect(request.http.headers.values("x-dup") == ["1", "2"])
        #expect(request.http.remoteAddress == "127.0.0.1")
        #expect(String(decoding: request.http.body, as: UTF8.self) == "{\"jsonrpc\":\"2.0\"}")
        #expect(!ObjectRequest(head: head, body: [], flags: []).isReconnect)
    }
}
