import EdgeCore
import EdgeHTTP

/// The scopes an MCP request needs, decided by the router before it forwards (the resource
/// server's check, MCP 2025-11-25 "Scope Challenge Handling").
///
/// Every MCP request needs `read`. A `tools/call` of an order tool (`placeOrder`, `replaceOrder`,
/// `cancelOrder`) also needs `trade`: a client that was granted only `read` (the default) gets
/// 403 `insufficient_scope` with `scope="read trade"` in the challenge, and can step up by
/// authorizing again with that scope. The check sits here, not only in the tools, so a token
/// without `trade` never reaches code that talks to Schwab's order endpoints, whatever the
/// object's configuration (defence in depth beside `ENABLE_TRADING` and the confirmation step).
///
/// Only bodies that could name an order tool are parsed, so ordinary traffic costs a byte
/// search; a JSON-RPC batch (MCP 2025-03-26) needs `trade` when any of its calls does.
public enum ScopePolicy {
    /// Needed for every MCP request.
    public static let read = "read"
    /// Needed to call an order tool.
    public static let trade = "trade"
    /// The tools that change orders at Schwab.
    public static let orderTools: Set<String> = ["placeOrder", "replaceOrder", "cancelOrder"]

    /// The scopes `request` (to an MCP endpoint) needs.
    public static func requiredScopes(method: HTTPMethod, body: [UInt8]) -> [String] {
        guard method == .post, mentionsOrderTool(body), let json = try? JSONValue.parse(body) else { return [read] }
        let messages = json.arrayValue ?? [json]
        return messages.contains(where: isOrderCall) ? [read, trade] : [read]
    }

    /// True when `message` is a `tools/call` of an order tool.
    static func isOrderCall(_ message: JSONValue) -> Bool {
        guard message["method"]?.stringValue == "tools/call", let name = message["params"]?["name"]?.stringValue
        else { return false }
        return orderTools.contains(name)
    }

    /// A cheap pre-filter: the body contains `Order`, or a `\u` escape that could spell it
    /// (`place\u004frder` decodes to `placeOrder`, so escapes always take the full parse).
    static func mentionsOrderTool(_ body: [UInt8]) -> Bool {
        contains(body, Array("Order".utf8)) || contains(body, [0x5C, 0x75])
    }

    static func contains(_ body: [UInt8], _ needle: [UInt8]) -> Bool {
        guard body.count >= needle.count, let first = needle.first else { return false }
        var index = 0
        let last = body.count - needle.count
        while index <= last {
            if body[index] == first {
                var offset = 1
                while offset < needle.count && body[index + offset] == needle[offset] { offset += 1 }
                if offset == needle.count { return true }
            }
            index += 1
        }
        return false
    }
}
