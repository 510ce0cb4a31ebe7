import EdgeCore
import MCP
import Schwab
import Testing

@testable import SchwabTools

/// How tool bodies shape Schwab's answers and failures, without a sandbox.
@Suite("Tool result shapes")
struct ToolResultShapeTests {
    @Test(
        "an Account becomes its securitiesAccount, siblings kept",
        arguments: [
            (
                ["securitiesAccount": ["type": "CASH", "accountNumber": "1"], "aggregatedBalance": ["x": 1]]
                    as JSONValue,
                ["type": "CASH", "accountNumber": "1", "aggregatedBalance": ["x": 1]] as JSONValue
            ),
            (["securitiesAccount": ["type": "MARGIN"]] as JSONValue, ["type": "MARGIN"] as JSONValue),
            (["type": "odd"] as JSONValue, ["type": "odd"] as JSONValue),
        ])
    func flattened(account: JSONValue, expected: JSONValue) {
        #expect(AccountTools.flattened(account) == expected)
    }

    @Test("structured content is always an object: other JSON is wrapped under a name")
    func asObject() {
        #expect(JSONValue.array([1]).asObject(wrapping: "items") == ["items": [1]])
        #expect(JSONValue.object([("a", 1)]).asObject(wrapping: "items") == ["a": 1])
        #expect(JSONValue.null.asObject(wrapping: "order") == ["order": nil])
    }

    @Test("a Schwab failure reads as words first, then the facts with kind, status and correlation id")
    func schwabFailure() throws {
        let result = SchwabToolFailure.schwab(
            SchwabAPIError(.rateLimited, status: 429, message: "Slow down.", correlationId: "c-1")
        ).result
        #expect(result.isError)
        #expect(result.content.first?["text"]?.stringValue == "Schwab rate_limited (HTTP 429): Slow down.")
        let facts = try JSONValue.parse(result.content.last?["text"]?.stringValue ?? "")["error"]
        #expect(facts?["code"] == "rate_limited")
        #expect(facts?["status"] == 429)
        #expect(facts?["correlationId"] == "c-1")
        #expect(result.structuredContent == nil)
    }

    @Test("a dead sign-in is only the plain words")
    func signIn() {
        let failure = SchwabToolFailure.schwab(SchwabAPIError(.signInRequired, message: SchwabAPIError.signInMessage))
        #expect(failure.isSignInRequired)
        #expect(failure.result.content.first?["text"]?.stringValue == SchwabAPIError.signInMessage)
    }

    @Test("an input failure names its field first")
    func input() {
        let result = SchwabToolFailure.input(field: "period", message: "expected one of 1, 2").result
        #expect(result.content.first?["text"]?.stringValue == "period: expected one of 1, 2")
    }
}
