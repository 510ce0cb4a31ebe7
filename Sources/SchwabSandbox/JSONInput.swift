import EdgeCore

/// Parses request bodies into `JSONValue` with EdgeCore's parser, as a 400 the client can act on.
public enum JSONInput {
    /// The value of `bytes`, or a 400 error that says where the JSON is broken.
    public static func parse(_ bytes: [UInt8]) throws(SandboxError) -> JSONValue {
        guard !bytes.isEmpty else { throw .badRequest("The request body is empty; send a JSON object") }
        do {
            return try JSONValue.parse(bytes)
        } catch {
            throw .badRequest("The request body is not valid JSON: \(error.description)")
        }
    }
}

extension JSONValue {
    /// The number as a Double, also from a decimal string (schwab-py sends prices as "150.00").
    var numberValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        case .string(let s): return Double(s)
        default: return nil
        }
    }
}
