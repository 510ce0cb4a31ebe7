import EdgeCore

/// One JSON-RPC 2.0 message: a request, a notification, a result or an error response.
///
/// JSON-RPC 2.0 §4 (request, notification), §5 (response). MCP uses all four in both
/// directions (MCP spec 2025-11-25, basic "Messages").
public enum JSONRPCMessage: Sendable, Equatable {
    /// A call that expects an answer with the same id.
    case request(id: JSONRPCID, method: String, params: JSONValue?)
    /// A call without an id, which is never answered.
    case notification(method: String, params: JSONValue?)
    /// A successful answer.
    case result(id: JSONRPCID, result: JSONValue)
    /// A failed answer; the id is nil when the request's id could not be read.
    case error(id: JSONRPCID?, JSONRPCError)

    /// The method of a request or notification.
    public var method: String? {
        switch self {
        case .request(_, let method, _), .notification(let method, _): method
        default: nil
        }
    }

    /// The message as a JSON object, members in the conventional order.
    public var json: JSONValue {
        switch self {
        case .request(let id, let method, let params):
            var members: [(String, JSONValue)] = [
                ("jsonrpc", "2.0"), ("id", id.json), ("method", .string(method)),
            ]
            if let params { members.append(("params", params)) }
            return .object(members)
        case .notification(let method, let params):
            var members: [(String, JSONValue)] = [("jsonrpc", "2.0"), ("method", .string(method))]
            if let params { members.append(("params", params)) }
            return .object(members)
        case .result(let id, let result):
            return .object([("jsonrpc", "2.0"), ("id", id.json), ("result", result)])
        case .error(let id, let error):
            return .object([("jsonrpc", "2.0"), ("id", id?.json ?? .null), ("error", error.object)])
        }
    }

    /// Compact UTF-8 JSON for the wire.
    public var bytes: [UInt8] { json.jsonBytes }
}

/// What a POST body held: one message or a batch (JSON-RPC 2.0 §6).
///
/// A batch keeps each element's own outcome, so one bad element is answered with its error
/// while the others still run.
public enum JSONRPCBody: Sendable, Equatable {
    /// One message object.
    case single(JSONRPCMessage)
    /// An array of messages, each decoded on its own.
    case batch([Result<JSONRPCMessage, JSONRPCError>])
}

extension JSONRPCMessage {
    /// Decodes a request body: -32700 when it is not JSON, -32600 for an empty batch or a
    /// non-object, non-array value; a batch element that is wrong keeps its own error.
    public static func decodeBody(_ bytes: [UInt8]) throws(JSONRPCError) -> JSONRPCBody {
        let value: JSONValue
        do {
            value = try JSONValue.parse(bytes)
        } catch {
            throw .parseError(error.description)
        }
        if case .array(let items) = value {
            if items.isEmpty { throw .invalidRequest("an empty batch array") }
            return .batch(
                items.map { item in
                    Result { () throws(JSONRPCError) -> JSONRPCMessage in try decode(item) }
                })
        }
        return .single(try decode(value))
    }

    /// Decodes one message object (JSON-RPC 2.0 §4, §5); the thrown -32600 carries the id
    /// when one could be read, so the client can match the error to its request.
    public static func decode(_ value: JSONValue) throws(JSONRPCError) -> JSONRPCMessage {
        guard case .object(let members) = value else {
            throw .invalidRequest("expected a JSON object, received \(kindName(value))")
        }
        var version: JSONValue?
        var idValue: JSONValue?
        var method: JSONValue?
        var params: JSONValue?
        var result: JSONValue?
        var error: JSONValue?
        for (key, member) in members {
            switch key {
            case "jsonrpc": version = member
            case "id": idValue = member
            case "method": method = member
            case "params": params = member
            case "result": result = member
            case "error": error = member
            default: continue
            }
        }
        var id: JSONRPCID?
        if let idValue {
            guard let parsed = JSONRPCID(json: idValue) else {
                throw .invalidRequest("id must be a string or an integer, received \(kindName(idValue))")
            }
            id = parsed
        }
        guard version == .string("2.0") else {
            throw .invalidRequest("\"jsonrpc\" must be \"2.0\"", id: id)
        }
        if let method {
            guard case .string(let name) = method, !name.isEmpty else {
                throw .invalidRequest("method must be a non-empty string", id: id)
            }
            if let params {
                switch params {
                case .object, .array: break
                default: throw .invalidRequest("params must be an object or an array", id: id)
                }
            }
            guard result == nil, error == nil else {
                throw .invalidRequest("a request cannot carry result or error", id: id)
            }
            if let id { return .request(id: id, method: name, params: params) }
            return .notification(method: name, params: params)
        }
        if let result {
            guard let id else { throw .invalidRequest("a result needs an id") }
            guard error == nil else { throw .invalidRequest("a response cannot carry both result and error", id: id) }
            return .result(id: id, result: result)
        }
        if let error {
            guard let code = error["code"]?.intValue, let message = error["message"]?.stringValue else {
                throw .invalidRequest("an error needs an integer code and a string message", id: id)
            }
            return .error(id: id, JSONRPCError(code: code, message: message, data: error["data"], id: id))
        }
        throw .invalidRequest("expected method, result or error", id: id)
    }

    /// The JSON kind of `value` in words, for error messages.
    static func kindName(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "a boolean"
        case .int, .double: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
