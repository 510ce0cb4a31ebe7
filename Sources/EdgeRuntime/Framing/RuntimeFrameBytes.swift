/// Appends big-endian integers and length-prefixed fields to a frame payload.
struct RuntimeFrameWriter {
    var bytes: [UInt8] = []

    mutating func u8(_ value: UInt8) { bytes.append(value) }

    mutating func u16(_ value: UInt16) {
        bytes.append(UInt8(value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    mutating func u32(_ value: UInt32) {
        for shift in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> shift)) }
    }

    mutating func u64(_ value: UInt64) {
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> shift)) }
    }

    /// A UTF-8 string prefixed by its byte count (UInt32).
    mutating func string(_ value: String) {
        u32(UInt32(value.utf8.count))
        bytes.append(contentsOf: value.utf8)
    }

    /// Name/value pairs prefixed by their count (UInt32).
    mutating func pairs(_ pairs: [(String, String)]) {
        u32(UInt32(pairs.count))
        for (name, value) in pairs {
            string(name)
            string(value)
        }
    }
}

/// Reads what `RuntimeFrameWriter` wrote, refusing truncated fields and invalid UTF-8.
///
/// Field names for error messages are autoclosures: they are built only when a frame is bad,
/// not for every field of every frame.
struct RuntimeFrameReader {
    let bytes: ArraySlice<UInt8>
    var index: Int
    let frameType: RuntimeFrameType

    init(_ bytes: ArraySlice<UInt8>, type: RuntimeFrameType) {
        self.bytes = bytes
        self.index = bytes.startIndex
        self.frameType = type
    }

    var remaining: Int { bytes.endIndex - index }

    private func short(_ what: () -> String) -> RuntimeFrameError {
        RuntimeFrameError(
            .malformedPayload, "\(frameType) payload ends inside \(what()) (\(remaining) bytes left)")
    }

    mutating func u8(_ what: @autoclosure () -> String) throws(RuntimeFrameError) -> UInt8 {
        guard remaining >= 1 else { throw short(what) }
        defer { index += 1 }
        return bytes[index]
    }

    mutating func u16(_ what: @autoclosure () -> String) throws(RuntimeFrameError) -> UInt16 {
        guard remaining >= 2 else { throw short(what) }
        defer { index += 2 }
        return UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1])
    }

    mutating func u32(_ what: @autoclosure () -> String) throws(RuntimeFrameError) -> UInt32 {
        guard remaining >= 4 else { throw short(what) }
        var value: UInt32 = 0
        for offset in 0..<4 { value = value << 8 | UInt32(bytes[index + offset]) }
        index += 4
        return value
    }

    mutating func u64(_ what: @autoclosure () -> String) throws(RuntimeFrameError) -> UInt64 {
        guard remaining >= 8 else { throw short(what) }
        var value: UInt64 = 0
        for offset in 0..<8 { value = value << 8 | UInt64(bytes[index + offset]) }
        index += 8
        return value
    }

    mutating func string(_ what: @autoclosure () -> String) throws(RuntimeFrameError) -> String {
        let count = Int(try u32("the length of \(what())"))
        guard remaining >= count else { throw short(what) }
        let slice = bytes[index..<index + count]
        index += count
        guard let text = String(validating: slice, as: UTF8.self) else {
            throw RuntimeFrameError(.malformedPayload, "\(what()) in \(frameType) is not valid UTF-8")
        }
        return text
    }

    mutating func pairs(_ what: @autoclosure () -> String) throws(RuntimeFrameError) -> [(String, String)] {
        let count = try u32("the count of \(what())")
        // Each pair takes at least 8 bytes, so a count beyond that is a lie: refuse before allocating.
        guard Int(count) <= remaining / 8 else {
            throw RuntimeFrameError(
                .malformedPayload, "\(frameType) claims \(count) \(what()) in \(remaining) bytes")
        }
        var result: [(String, String)] = []
        result.reserveCapacity(Int(count))
        for _ in 0..<count { result.append((try string("a \(what()) name"), try string("a \(what()) value"))) }
        return result
    }

    func finish() throws(RuntimeFrameError) {
        guard remaining == 0 else {
            throw RuntimeFrameError(.malformedPayload, "\(frameType) payload has \(remaining) bytes after its fields")
        }
    }
}
