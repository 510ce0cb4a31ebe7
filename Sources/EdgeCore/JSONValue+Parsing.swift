import Foundation

extension JSONValue {
    /// The default nesting limit for `parse`: deep enough for any MCP message, shallow enough
    /// that a hostile `[[[[...` cannot exhaust the stack (RFC 8259 §9 allows such limits).
    public static let defaultMaxDepth = 512

    /// Parses one JSON text (RFC 8259) from UTF-8 bytes.
    public static func parse(_ bytes: [UInt8], maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { (buffer) throws(JSONParseError) -> JSONValue in
            try JSONParser.parse(buffer, maxDepth: maxDepth)
        }
    }

    /// Parses one JSON text (RFC 8259) from a slice of UTF-8 bytes, such as a request body.
    public static func parse(
        _ bytes: ArraySlice<UInt8>, maxDepth: Int = defaultMaxDepth
    ) throws(JSONParseError)
        -> JSONValue
    {
        try bytes.withUnsafeBufferPointer { (buffer) throws(JSONParseError) -> JSONValue in
            try JSONParser.parse(buffer, maxDepth: maxDepth)
        }
    }

    /// Parses one JSON text (RFC 8259) from a string.
    public static func parse(_ text: String, maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> JSONValue {
        var text = text
        let result = text.withUTF8 { buffer in
            Result { () throws(JSONParseError) -> JSONValue in try JSONParser.parse(buffer, maxDepth: maxDepth) }
        }
        return try result.get()
    }

    /// Parses one JSON text (RFC 8259) from `Data`.
    public static func parse(_ data: Data, maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> JSONValue {
        try parse([UInt8](data), maxDepth: maxDepth)
    }
}
