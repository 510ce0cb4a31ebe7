/// The KV protocol's binary layout: pure functions from values to frame bytes and back, no I/O.
///
/// A frame is a 4-byte big-endian payload length, then the payload:
///
///     request:  opcode u8 | id u64 | body
///     response: opcode|0x80 u8 | id u64 | status u8 | body (status 0) or message string16 (status = error code)
///
/// Integers are big-endian (network order). Strings are UTF-8 behind a u16 length, values are
/// bytes behind a u32 length, optional fields are a presence byte (0/1) then the field.
/// The id lets a client pipeline many requests on one connection and match the answers.
public enum KVWire {
    /// Bytes before the body of a request: opcode and id.
    public static let requestHeaderLength = 9

    /// The complete frame (length prefix included) for a request.
    public static func encode(_ frame: KVRequestFrame) -> [UInt8] {
        var writer = KVByteWriter(capacity: 64 + payloadHint(frame.request))
        writer.u32(0)
        writer.u8(frame.request.opcode)
        writer.u64(frame.id)
        switch frame.request {
        case .get(let namespace, let key):
            writer.string16(namespace)
            writer.string16(key)
        case .put(let namespace, let key, let value, let expiration, let metadata, let ifVersion):
            writer.string16(namespace)
            writer.string16(key)
            writer.bytes32(value)
            writer.optionalString16(metadata)
            switch expiration {
            case nil: writer.u8(0)
            case .at(let seconds):
                writer.u8(1)
                writer.i64(seconds)
            case .ttl(let seconds):
                writer.u8(2)
                writer.i64(seconds)
            }
            writer.optionalU64(ifVersion)
        case .delete(let namespace, let key, let ifVersion):
            writer.string16(namespace)
            writer.string16(key)
            writer.optionalU64(ifVersion)
        case .list(let namespace, let prefix, let limit, let cursor):
            writer.string16(namespace)
            writer.string16(prefix)
            writer.u16(UInt16(clamping: limit))
            writer.optionalString16(cursor)
        case .ping, .unknown:
            break
        }
        return sealed(writer.bytes)
    }

    /// The complete frame (length prefix included) for a response.
    public static func encode(_ frame: KVResponseFrame) -> [UInt8] {
        var writer = KVByteWriter(capacity: 64)
        writer.u32(0)
        writer.u8(frame.opcode | KVOpcode.responseFlag)
        writer.u64(frame.id)
        switch frame.result {
        case .failure(let error):
            writer.u8(error.code.rawValue == 0 ? KVError.Code.storageFailure.rawValue : error.code.rawValue)
            writer.string16(String(error.message.prefix(1000)))
            return sealed(writer.bytes)
        default:
            writer.u8(0)
        }
        switch frame.result {
        case .entry(nil):
            writer.u8(0)
        case .entry(let entry?):
            writer.bytes.reserveCapacity(entry.value.count + 64)
            writer.u8(1)
            writer.bytes32(entry.value)
            writer.optionalString16(entry.metadata)
            writer.optionalI64(entry.expiration)
            writer.u64(entry.version)
        case .version(let version):
            writer.u64(version)
        case .deleted(let deleted):
            writer.u8(deleted ? 1 : 0)
        case .page(let page):
            writer.u8(page.listComplete ? 1 : 0)
            writer.optionalString16(page.cursor)
            writer.u16(UInt16(clamping: page.keys.count))
            for key in page.keys {
                writer.string16(key.name)
                writer.optionalI64(key.expiration)
                writer.optionalString16(key.metadata)
            }
        case .pong, .failure:
            break
        }
        return sealed(writer.bytes)
    }

    /// Decodes a request payload (a frame without its length prefix, as `KVFrameDecoder` yields it).
    ///
    /// An unknown opcode decodes to `.unknown` so the service can answer it; a truncated or
    /// over-long body throws `.protocolError`.
    public static func decodeRequest(_ payload: [UInt8]) throws(KVError) -> KVRequestFrame {
        var reader = KVByteReader(payload)
        let opcode = try reader.u8("opcode")
        let id = try reader.u64("request id")
        guard opcode & KVOpcode.responseFlag == 0 else {
            throw KVError(.protocolError, "opcode \(opcode) is a response, expected a request")
        }
        let request: KVRequest
        switch KVOpcode(rawValue: opcode) {
        case .get:
            request = .get(namespace: try reader.string16("namespace"), key: try reader.string16("key"))
        case .put:
            let namespace = try reader.string16("namespace")
            let key = try reader.string16("key")
            let value = try reader.bytes32("value")
            let metadata = try reader.optionalString16("metadata")
            let expiration: KVExpiration?
            switch try reader.u8("expiration kind") {
            case 0: expiration = nil
            case 1: expiration = .at(unixSeconds: try reader.i64("expiration"))
            case 2: expiration = .ttl(seconds: try reader.i64("expirationTtl"))
            case let kind: throw KVError(.protocolError, "expiration kind must be 0, 1 or 2, received \(kind)")
            }
            let ifVersion = try reader.optionalU64("ifVersion")
            request = .put(
                namespace: namespace, key: key, value: value, expiration: expiration, metadata: metadata,
                ifVersion: ifVersion)
        case .delete:
            request = .delete(
                namespace: try reader.string16("namespace"), key: try reader.string16("key"),
                ifVersion: try reader.optionalU64("ifVersion"))
        case .list:
            request = .list(
                namespace: try reader.string16("namespace"), prefix: try reader.string16("prefix"),
                limit: Int(try reader.u16("limit")), cursor: try reader.optionalString16("cursor"))
        case .ping:
            request = .ping
        case nil:
            return KVRequestFrame(id: id, request: .unknown(opcode: opcode))
        }
        try reader.finish("request body")
        return KVRequestFrame(id: id, request: request)
    }

    /// Decodes a response payload (without its length prefix).
    public static func decodeResponse(_ payload: [UInt8]) throws(KVError) -> KVResponseFrame {
        var reader = KVByteReader(payload)
        let flagged = try reader.u8("opcode")
        let id = try reader.u64("request id")
        guard flagged & KVOpcode.responseFlag != 0 else {
            throw KVError(.protocolError, "opcode \(flagged) is a request, expected a response")
        }
        let opcode = flagged & ~KVOpcode.responseFlag
        let status = try reader.u8("status")
        if status != 0 {
            let message = try reader.string16("error message")
            try reader.finish("error message")
            return KVResponseFrame(
                id: id, opcode: opcode, result: .failure(KVError(KVError.Code(rawValue: status), message)))
        }
        let result: KVResult
        switch KVOpcode(rawValue: opcode) {
        case .get:
            if try reader.bool("found") {
                let value = try reader.bytes32("value")
                let metadata = try reader.optionalString16("metadata")
                let expiration = try reader.optionalI64("expiration")
                let version = try reader.u64("version")
                result = .entry(KVEntry(value: value, metadata: metadata, expiration: expiration, version: version))
            } else {
                result = .entry(nil)
            }
        case .put: result = .version(try reader.u64("version"))
        case .delete: result = .deleted(try reader.bool("deleted"))
        case .list:
            let complete = try reader.bool("list_complete")
            let cursor = try reader.optionalString16("cursor")
            let count = Int(try reader.u16("key count"))
            var keys: [KVListedKey] = []
            keys.reserveCapacity(count)
            for _ in 0..<count {
                keys.append(
                    KVListedKey(
                        name: try reader.string16("name"), expiration: try reader.optionalI64("expiration"),
                        metadata: try reader.optionalString16("metadata")))
            }
            result = .page(KVListPage(keys: keys, listComplete: complete, cursor: cursor))
        case .ping: result = .pong
        case nil: throw KVError(.protocolError, "response to unknown opcode \(opcode) with status 0")
        }
        try reader.finish("response body")
        return KVResponseFrame(id: id, opcode: opcode, result: result)
    }

    /// The request id of a response payload, or nil when the payload is not a response; lets a
    /// client route an answer to its caller without decoding the body.
    public static func responseID(_ payload: [UInt8]) -> UInt64? {
        guard payload.count >= requestHeaderLength, payload[0] & KVOpcode.responseFlag != 0 else { return nil }
        var id: UInt64 = 0
        for offset in 1...8 { id = id << 8 | UInt64(payload[offset]) }
        return id
    }

    /// Writes the payload length into the first four bytes.
    private static func sealed(_ bytes: [UInt8]) -> [UInt8] {
        var bytes = bytes
        let length = UInt32(truncatingIfNeeded: bytes.count - 4)
        bytes[0] = UInt8(truncatingIfNeeded: length >> 24)
        bytes[1] = UInt8(truncatingIfNeeded: length >> 16)
        bytes[2] = UInt8(truncatingIfNeeded: length >> 8)
        bytes[3] = UInt8(truncatingIfNeeded: length)
        return bytes
    }

    private static func payloadHint(_ request: KVRequest) -> Int {
        if case .put(_, _, let value, _, _, _) = request { return value.count }
        return 0
    }
}
