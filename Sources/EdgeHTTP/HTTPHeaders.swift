/// Header fields in arrival order. Names compare case-insensitively (RFC 9110 §5.1); a name may
/// repeat, and `values(_:)` returns every occurrence.
public struct HTTPHeaders: Sendable, Sequence, ExpressibleByDictionaryLiteral, Equatable {
    /// The fields in arrival order, names as sent.
    public private(set) var fields: [(name: String, value: String)]

    /// No fields.
    public init() { fields = [] }
    /// Fields in the given order.
    public init(_ fields: [(String, String)]) { self.fields = fields.map { (name: $0.0, value: $0.1) } }
    /// Fields from a literal, in its order (a name may repeat).
    public init(dictionaryLiteral elements: (String, String)...) { self.init(elements) }

    /// Same fields in the same order, names and values compared exactly.
    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.fields.count == rhs.fields.count
            && zip(lhs.fields, rhs.fields).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    /// The number of fields.
    public var count: Int { fields.count }

    /// The first value of the field `name`, or nil.
    public subscript(name: String) -> String? {
        fields.first(where: { HTTPHeaders.namesEqual($0.name, name) })?.value
    }

    /// Every value of the field `name`, in order.
    public func values(_ name: String) -> [String] {
        fields.filter { HTTPHeaders.namesEqual($0.name, name) }.map(\.value)
    }

    /// Whether a field named `name` exists.
    public func contains(_ name: String) -> Bool { self[name] != nil }

    /// Adds a field, keeping any that exist (for `Set-Cookie` and other repeatable fields).
    public mutating func add(_ name: String, _ value: String) { fields.append((name: name, value: value)) }

    /// Replaces every field named `name` with one.
    public mutating func set(_ name: String, _ value: String) {
        remove(name)
        fields.append((name: name, value: value))
    }

    /// Removes every field named `name`.
    public mutating func remove(_ name: String) { fields.removeAll { HTTPHeaders.namesEqual($0.name, name) } }

    /// Iterates the fields in order.
    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { fields.makeIterator() }

    /// ASCII case-insensitive comparison, without allocating.
    public static func namesEqual(_ a: String, _ b: String) -> Bool {
        let x = a.utf8
        let y = b.utf8
        guard x.count == y.count else { return false }
        // Native strings are contiguous UTF-8: compare through pointers, the common fast path.
        let fast = x.withContiguousStorageIfAvailable { p in
            y.withContiguousStorageIfAvailable { q in
                for index in 0..<p.count where !asciiCaseInsensitiveEqual(p[index], q[index]) { return false }
                return true
            }
        }
        if let result = fast ?? nil { return result }
        for (c, d) in zip(x, y) where !asciiCaseInsensitiveEqual(c, d) { return false }
        return true
    }

    @inline(__always)
    private static func asciiCaseInsensitiveEqual(_ c: UInt8, _ d: UInt8) -> Bool {
        if c == d { return true }
        let lc = (c >= 0x41 && c <= 0x5A) ? c | 0x20 : c
        let ld = (d >= 0x41 && d <= 0x5A) ? d | 0x20 : d
        return lc == ld
    }
}
