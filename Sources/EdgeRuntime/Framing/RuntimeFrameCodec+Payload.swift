import EdgeHTTP

extension RuntimeFrameCodec {
    /// The payload bytes of each frame type. Strings and byte counts are length-prefixed (UInt32);
    /// header fields keep their order and repeats; props are written sorted by name so equal
    /// requests encode to equal bytes.
    static func encodePayload(_ payload: RuntimeFrame.Payload) -> [UInt8] {
        var out = RuntimeFrameWriter()
        switch payload {
        case .requestHead(let request):
            out.string(request.head.method.rawValue)
            out.string(request.head.target)
            out.u8(UInt8(clamping: request.head.version.major))
            out.u8(UInt8(clamping: request.head.version.minor))
            out.pairs(request.head.headers.fields.map { ($0.name, $0.value) })
            out.string(request.objectClass)
            out.string(request.objectID)
            out.pairs(request.props.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
            out.string(request.remoteAddress)
        case .responseHead(let response):
            out.u16(UInt16(clamping: response.status.code))
            out.string(response.status.reason)
            out.pairs(response.headers.fields.map { ($0.name, $0.value) })
        case .requestBody(let chunk), .responseBody(let chunk):
            return chunk
        case .requestEnd, .responseEnd:
            break
        case .cancel(let cancel):
            out.u32(cancel.code)
            out.string(cancel.message)
        case .windowUpdate(let increment):
            out.u32(increment)
        case .ping(let opaque), .pong(let opaque):
            out.u64(opaque)
        case .goAway(let lastStreamID, let code, let message):
            out.u32(lastStreamID)
            out.u32(code)
            out.string(message)
        }
        return out.bytes
    }

    /// Parses one payload of a known type; every byte must be accounted for.
    static func decodePayload(
        _ bytes: ArraySlice<UInt8>, type: RuntimeFrameType, flags: RuntimeFrameFlags, streamID: UInt32
    ) throws(RuntimeFrameError) -> RuntimeFrame {
        var reader = RuntimeFrameReader(bytes, type: type)
        let payload: RuntimeFrame.Payload
        switch type {
        case .requestHead:
            let method = try reader.string("the method")
            let target = try reader.string("the target")
            let major = try reader.u8("the major version")
            let minor = try reader.u8("the minor version")
            let headers = try reader.pairs("header")
            let objectClass = try reader.string("the object class")
            let objectID = try reader.string("the object id")
            var props: [String: String] = [:]
            for (name, value) in try reader.pairs("prop") {
                guard props.updateValue(value, forKey: name) == nil else {
                    throw RuntimeFrameError(.malformedPayload, "requestHead repeats the prop '\(name)'")
                }
            }
            let remote = try reader.string("the remote address")
            guard !method.isEmpty, !target.isEmpty else {
                throw RuntimeFrameError(.malformedPayload, "requestHead has an empty method or target")
            }
            let head = HTTPRequestHead(
                method: HTTPMethod(method), target: target, version: HTTPVersion(major: Int(major), minor: Int(minor)),
                headers: HTTPHeaders(headers))
            payload = .requestHead(
                RuntimeRequestHead(
                    head: head, objectClass: objectClass, objectID: objectID, props: props, remoteAddress: remote))
        case .responseHead:
            let code = try reader.u16("the status code")
            let reason = try reader.string("the reason phrase")
            let headers = try reader.pairs("header")
            guard (100...999).contains(code) else {
                throw RuntimeFrameError(.malformedPayload, "responseHead status \(code) is not a three-digit code")
            }
            payload = .responseHead(
                RuntimeResponseHead(status: HTTPStatus(Int(code), reason), headers: HTTPHeaders(headers)))
        case .requestBody:
            return RuntimeFrame(streamID: streamID, flags: flags, payload: .requestBody(Array(bytes)))
        case .responseBody:
            return RuntimeFrame(streamID: streamID, flags: flags, payload: .responseBody(Array(bytes)))
        case .requestEnd:
            payload = .requestEnd
        case .responseEnd:
            payload = .responseEnd
        case .cancel:
            payload = .cancel(
                RuntimeCancel(code: try reader.u32("the reason code"), message: try reader.string("the message")))
        case .windowUpdate:
            let increment = try reader.u32("the increment")
            try checkIncrement(increment, streamID: streamID)
            payload = .windowUpdate(increment: increment)
        case .ping:
            payload = .ping(try reader.u64("the opaque data"))
        case .pong:
            payload = .pong(try reader.u64("the opaque data"))
        case .goAway:
            let last = try reader.u32("the last stream id")
            let code = try reader.u32("the code")
            payload = .goAway(lastStreamID: last, code: code, message: try reader.string("the message"))
        }
        try reader.finish()
        return RuntimeFrame(streamID: streamID, flags: flags, payload: payload)
    }
}
