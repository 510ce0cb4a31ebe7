import EdgeCore

/// A JSON-RPC request id: a string or an integer, kept exactly as the client sent it.
///
/// JSON-RPC 2.0 §4 allows strings and numbers (and discourages fractions); MCP forbids `null`
/// (MCP spec 2025-11-25, basic "Requests"). The id is echoed byte for byte in the response, so a
/// string `"1"` and a number `1` stay distinct.
public enum JSONRPCID: Hashable, Sendable, CustomStringConvertible {
    /// A string id.
    case string(String)
    /// An integer id.
    case number(Int)

    /// The id as it appears in JSON.
    public var json: JSONValue {
        switch self {
        case .string(let s): .string(s)
        case .number(let n): .int(n)
        }
    }

    /// Reads an id from JSON: nil for anything but a string or an integral number.
    public init?(json: JSONValue) {
        switch json {
        case .string(let s): self = .string(s)
        case .int(let n): self = .number(n)
        default: return nil
        }
    }

    /// A stable text form for logs and keys: strings are prefixed `s:`, numbers `n:`.
    public var description: String {
        switch self {
        case .string(let s): "s:\(s)"
        case .number(let n): "n:\(n)"
        }
    }
}
