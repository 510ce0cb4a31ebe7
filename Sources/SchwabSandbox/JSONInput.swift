import EdgeCore
import Foundation

/// Parses request bodies into `JSONValue` with Foundation's `JSONDecoder`.
///
/// Decoding into a recursive `Decodable` keeps `true` and `1` apart (JSONSerialization hands
/// back NSNumber for both on Linux), which order validation needs to reject `"quantity": true`.
public enum JSONInput {
    /// The value of `bytes`, or a 400 error that says where the JSON is broken.
    public static func parse(_ bytes: [UInt8]) throws(SandboxError) -> JSONValue {
        guard !bytes.isEmpty else { throw .badRequest("The request body is empty; send a JSON object") }
        do {
            return try JSONDecoder().decode(Node.self, from: Data(bytes)).value
        } catch {
            throw .badRequest("The request body is not valid JSON: \(error.localizedDescription)")
        }
    }

    private struct Node: Decodable {
        let value: JSONValue

        init(from decoder: Decoder) throws {
            if var array = try? decoder.unkeyedContainer() {
                var items: [JSONValue] = []
                while !array.isAtEnd { items.append(try array.decode(Node.self).value) }
                value = .array(items)
                return
            }
            if let object = try? decoder.container(keyedBy: Key.self) {
                var members: [(String, JSONValue)] = []
                for key in object.allKeys.sorted(by: { $0.stringValue < $1.stringValue }) {
                    members.append((key.stringValue, try object.decode(Node.self, forKey: key).value))
                }
                value = .object(members)
                return
            }
            let single = try decoder.singleValueContainer()
            if single.decodeNil() {
                value = .null
            } else if let b = try? single.decode(Bool.self) {
                value = .bool(b)
            } else if let i = try? single.decode(Int.self) {
                value = .int(i)
            } else if let d = try? single.decode(Double.self) {
                value = .double(d)
            } else {
                value = .string(try single.decode(String.self))
            }
        }
    }

    private struct Key: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
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

    /// The string, if this is one.
    var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The items, if this is an array.
    var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }
}
