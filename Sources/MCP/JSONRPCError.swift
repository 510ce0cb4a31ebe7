import EdgeCore

/// A JSON-RPC error object (JSON-RPC 2.0 §5.1) with the id of the request it answers, if known.
///
/// Used both as the error member of a response and as the thrown error of the codec, so a
/// decoding failure becomes a reply without another translation step.
public struct JSONRPCError: Error, Sendable, Equatable {
    /// The numeric code: the JSON-RPC range (-32768 to -32000) or an application code.
    public var code: Int
    /// A short sentence a person (or a model) can act on.
    public var message: String
    /// Optional details, such as the supported protocol versions.
    public var data: JSONValue?
    /// The id of the offending request, when it could be read; nil becomes `"id": null`.
    public var id: JSONRPCID?

    /// An error with `code` and `message`.
    public init(code: Int, message: String, data: JSONValue? = nil, id: JSONRPCID? = nil) {
        self.code = code
        self.message = message
        self.data = data
        self.id = id
    }

    /// -32700: the body is not JSON (JSON-RPC 2.0 §5.1).
    public static let parseErrorCode = -32700
    /// -32600: JSON, but not a valid request object (JSON-RPC 2.0 §5.1).
    public static let invalidRequestCode = -32600
    /// -32601: the method does not exist here (JSON-RPC 2.0 §5.1).
    public static let methodNotFoundCode = -32601
    /// -32602: the method exists but its params are wrong (JSON-RPC 2.0 §5.1).
    public static let invalidParamsCode = -32602
    /// -32603: the server failed (JSON-RPC 2.0 §5.1).
    public static let internalErrorCode = -32603
    /// -32800: the request was cancelled (the code LSP and the MCP SDKs use).
    public static let requestCancelledCode = -32800

    /// -32700 with the parser's explanation.
    public static func parseError(_ message: String) -> JSONRPCError {
        JSONRPCError(code: parseErrorCode, message: "Parse error: \(message)")
    }

    /// -32600 with what was wrong.
    public static func invalidRequest(_ message: String, id: JSONRPCID? = nil) -> JSONRPCError {
        JSONRPCError(code: invalidRequestCode, message: "Invalid request: \(message)", id: id)
    }

    /// -32601 naming the method.
    public static func methodNotFound(_ method: String, id: JSONRPCID?) -> JSONRPCError {
        JSONRPCError(code: methodNotFoundCode, message: "Method not found: \(method)", id: id)
    }

    /// -32602 with what was wrong.
    public static func invalidParams(_ message: String, id: JSONRPCID?) -> JSONRPCError {
        JSONRPCError(code: invalidParamsCode, message: "Invalid params: \(message)", id: id)
    }

    /// The error object `{code, message, data?}` (JSON-RPC 2.0 §5.1).
    public var object: JSONValue {
        var members: [(String, JSONValue)] = [("code", .int(code)), ("message", .string(message))]
        if let data { members.append(("data", data)) }
        return .object(members)
    }

    /// The complete error response `{"jsonrpc":"2.0","id":…,"error":…}` (JSON-RPC 2.0 §5).
    public var response: JSONRPCMessage { .error(id: id, self) }
}
