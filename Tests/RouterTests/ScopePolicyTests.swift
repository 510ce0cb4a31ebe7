import EdgeHTTP
import Testing

@testable import Router

@Suite struct ScopePolicyTests {
    /// Method, body, whether `trade` is needed.
    static let cases: [(HTTPMethod, String, Bool)] = [
        (.post, #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"placeOrder","arguments":{}}}"#, true),
        (.post, #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"replaceOrder"}}"#, true),
        (.post, #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"cancelOrder"}}"#, true),
        (.post, #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"place\u004frder"}}"#, true),
        (.post, #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"\u0070laceOrder"}}"#, true),
        (
            .post,
            #"[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"cancelOrder"}}]"#,
            true
        ),
        (.post, #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"previewOrder"}}"#, false),
        (.post, #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"getOrders"}}"#, false),
        (
            .post,
            #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"t":"placeOrder"}}}"#,
            false
        ),
        (.post, #"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#, false),
        (.post, #"{"jsonrpc":"2.0","id":1,"method":"prompts/get","params":{"name":"placeOrder"}}"#, false),
        (.post, "not json but placeOrder", false),
        (.post, "", false),
        (.get, #"{"method":"tools/call","params":{"name":"placeOrder"}}"#, false),
    ]

    @Test(arguments: cases)
    func onlyAnOrderToolCallNeedsTrade(method: HTTPMethod, body: String, needsTrade: Bool) {
        let scopes = ScopePolicy.requiredScopes(method: method, body: Array(body.utf8))
        #expect(scopes == (needsTrade ? ["read", "trade"] : ["read"]))
    }
}
