/// Appends big-endian integers and length-prefixed fields to a byte array: the writing half of
/// `KVWire`.
struct KVByteWriter {
    var bytes: [UInt8]

    init(capacity: Int = 64) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    mutating func u8(_ value: UInt8) { bytes.append(value) }

    mutating func u16(_ value: UInt16) {
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    mutating func u32(_ value: UInt32) {
        for shift in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> shift)) }
    }

    mutating func u64(_ value: UInt64) {
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> shift)) }
    }

    mutating func i64(_ value: Int64) { u64(UInt64(bitPattern: value)) }

    /// A string of at most 65535 UTF-8 bytes behind a 2-byte length (callers check limits first).
    mutating func string16(_ value: String) {
        let utf8 = value.utf8
        u16(UInt16(truncatingIfNeeded: utf8.count))
        bytes.append(contentsOf: utf8)
    }

    /// Bytes behind a 4-byte length.
    mutating func bytes32(_ value: [UInt8]) {
        u32(UInt32(truncatingIfNeeded: value.count))
        bytes.append(contentsOf: value)
    }

    /// A presence byte, then the string when present.
    mutating func optionalString16(_ value: String?) {
        guard let value else { return u8(0) }
        u8(1)
        string16(value)
    }

    mutating func optionalU64(_ value: UInt64?) {
        guard let value else { return u8(0) }
        u8(1)
        u64(value)
    }

    mutating func optionalI64(_ value: Int64?) {
        guard let value else { return u8(0) }
        u8(1)
        i64(value)
    }
}

/// Reads big-endian integers and length-prefixed fields from a frame's payload, throwing
/// `.protocolError` on truncation or bad UTF-8: the reading half of `KVWire`.
struct KVByteReader {
    let bytes: [UInt8]
    private(set) var index: Int

    init(_ bytes: [UInt8], from index: Int = 0) {
        self.bytes = bytes
        self.index = index
    }

    var remaining: Int { bytes.count - index }

    private func need(_ count: Int, _ field: String) throws(KVError) {
        if count > remaining {
            throw KVError(.protocolError, "frame ends inside \(field): needs \(count) bytes, \(remaining) left")
        }
    }

    mutating func u8(_ field: String) throws(KVError) -> UInt8 {
        try need(1, field)
        defer { index += 1 }
        return bytes[index]
    }

    mutating func u16(_ field: String) throws(KVError) -> UInt16 {
        try need(2, field)
        defer { index += 2 }
        return UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1])
    }

    mutating func u32(_ field: String) throws(KVError) -> UInt32 {
        try need(4, field)
        var value: UInt32 = 0
        for offset in 0..<4 { value = value << 8 | UInt32(bytes[index + offset]) }
        index += 4
        return value
    }

    mutating func u64(_ field: String) throws(KVError) -> UInt64 {
        try need(8, field)
        var value: UInt64 = 0
        for offset in 0..<8 { value = value << 8 | UInt64(bytes[index + offset]) }
        index += 8
        return value
    }

    mutating func i64(_ field: String) throws(KVError) -> Int64 { Int64(bitPattern: try u64(field)) }

    mutating func bool(_ field: String) throws(KVError) -> Bool {
        switch try u8(field) {
        case 0: return false
        case 1: return true
        case let other: throw KVError(.protocolError, "\(field) must be 0 or 1, received \(other)")
        }
    }

    mutating func string16(_ field: String) throws(KVError) -> String {
        let count = Int(try u16(field))
        try need(count, field)
        defer { index += count }
        guard let text = String(validating: bytes[index..<index + count], as: UTF8.self) else {
            throw KVError(.protocolError, "\(field) is not valid UTF-8")
        }
        return text
    }

    mutating func bytes32(_ field: String) throws(KVError) -> [UInt8] {
        let count = Int(try u32(field))
        try need(count, field)
        defer { index += count }
        return Array(bytes[index..<index + count])
    }

    mutating func optionalString16(_ field: String) throws(KVError) -> String? {
        try bool(field) ? try string16(field) : nil
    }

    mutating func optionalU64(_ field: String) throws(KVError) -> UInt64? {
        try bool(field) ? try u64(field) : nil
    }

    mutating func optionalI64(_ field: String) throws(KVError) -> Int64? {
        try bool(field) ? try i64(field) : nil
    }

    /// Throws unless every byte was read: trailing bytes mean the peer and we disagree on layout.
    func finish(_ what: String) throws(KVError) {
        if remaining != 0 { throw KVError(.protocolError, "\(remaining) unexpected bytes after the \(what)") }
    }
}
