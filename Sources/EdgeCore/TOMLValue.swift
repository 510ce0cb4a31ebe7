/// A parsed TOML value: what `TOMLParser` turns a `wrangler.toml` into (TOML 1.0.0).
///
/// Offset and local date-times are kept as their source text in `.datetime`: nothing in the
/// configuration needs them as dates, and keeping the text loses nothing.
public enum TOMLValue: Sendable, Equatable {
    case string(String)
    case integer(Int)
    case float(Double)
    case boolean(Bool)
    case datetime(String)
    case array([TOMLValue])
    case table(TOMLTable)

    /// The string, when this is a string.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The integer, when this is an integer.
    public var intValue: Int? {
        if case .integer(let value) = self { return value }
        return nil
    }

    /// The number as a double, when this is a float or an integer.
    public var doubleValue: Double? {
        switch self {
        case .float(let value): return value
        case .integer(let value): return Double(value)
        default: return nil
        }
    }

    /// The boolean, when this is a boolean.
    public var boolValue: Bool? {
        if case .boolean(let value) = self { return value }
        return nil
    }

    /// The elements, when this is an array (an array of tables is an array of `.table`).
    public var arrayValue: [TOMLValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// The table, when this is a table or an inline table.
    public var tableValue: TOMLTable? {
        if case .table(let value) = self { return value }
        return nil
    }

    /// A short name of the value's type, for error messages ("a string", "an integer", ...).
    public var typeName: String {
        switch self {
        case .string: "a string"
        case .integer: "an integer"
        case .float: "a float"
        case .boolean: "a boolean"
        case .datetime: "a date-time"
        case .array: "an array"
        case .table: "a table"
        }
    }

    /// The value written back as TOML-like text, for "received '...'" in error messages.
    public var sourceText: String {
        switch self {
        case .string(let value): return value
        case .integer(let value): return String(value)
        case .float(let value):
            return value.isNaN ? "nan" : value.isInfinite ? (value < 0 ? "-inf" : "inf") : String(value)
        case .boolean(let value): return value ? "true" : "false"
        case .datetime(let value): return value
        case .array(let items): return "[" + items.map(\.quotedSourceText).joined(separator: ", ") + "]"
        case .table(let table):
            return "{ " + table.entries.map { "\($0.key) = \($0.value.quotedSourceText)" }.joined(separator: ", ")
                + " }"
        }
    }

    private var quotedSourceText: String {
        if case .string(let value) = self { return "\"" + value + "\"" }
        return sourceText
    }
}

/// A TOML table whose keys keep the order they were written in.
///
/// Order matters for output people read (`config check`) and for tests; lookups stay O(1).
public struct TOMLTable: Sendable, Equatable {
    /// The keys in the order they first appeared.
    public private(set) var keys: [String] = []
    private var values: [String: TOMLValue] = [:]

    /// An empty table.
    public init() {}

    /// A table with `entries`, in order; a repeated key keeps its first position and last value.
    public init(_ entries: [(String, TOMLValue)]) {
        for (key, value) in entries { self[key] = value }
    }

    /// The value under `key`, or nil; setting nil removes the key.
    public subscript(key: String) -> TOMLValue? {
        get { values[key] }
        set {
            if let newValue {
                if values.updateValue(newValue, forKey: key) == nil { keys.append(key) }
            } else if values.removeValue(forKey: key) != nil {
                keys.removeAll { $0 == key }
            }
        }
    }

    /// The key-value pairs in order.
    public var entries: [(key: String, value: TOMLValue)] { keys.map { ($0, values[$0]!) } }

    /// How many keys the table holds.
    public var count: Int { keys.count }

    /// True when the table holds no key.
    public var isEmpty: Bool { keys.isEmpty }

    /// Follows a dotted path of keys through nested tables (`value(at: ["runtime", "port"])`).
    public func value(at path: [String]) -> TOMLValue? {
        guard let first = path.first else { return .table(self) }
        guard let value = values[first] else { return nil }
        if path.count == 1 { return value }
        guard case .table(let inner) = value else { return nil }
        return inner.value(at: Array(path.dropFirst()))
    }

    /// Equal when keys (in order) and values match.
    public static func == (lhs: TOMLTable, rhs: TOMLTable) -> Bool {
        lhs.keys == rhs.keys && lhs.values == rhs.values
    }
}

/// A TOML syntax or structure error, with the 1-based line and column where it was found.
///
/// The description reads `line 7, column 12: expected '=' after key`, so a person can go
/// straight to the spot.
public struct TOMLError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable name for the kind of problem (`syntax`, `duplicateKey`, `encoding`, ...).
    public let code: String
    /// The line of the problem, counted from 1.
    public let line: Int
    /// The column of the problem, counted in characters from 1.
    public let column: Int
    /// What is wrong, and where possible what was expected instead.
    public let message: String

    /// An error at `line`:`column`.
    public init(code: String = "syntax", line: Int, column: Int, message: String) {
        self.code = code
        self.line = line
        self.column = column
        self.message = message
    }

    /// The text people read: what `print` and string interpolation show.
    public var description: String { "line \(line), column \(column): \(message)" }
}
