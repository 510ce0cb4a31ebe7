import EdgeCore
import MCP
import Schwab

/// Why a Schwab tool call failed, before it becomes an `isError` result.
///
/// MCP spec 2025-11-25 (server/tools "Error Handling"): failures the model can act on are tool
/// results with `isError: true`, carrying a message in words plus the seed's `{status, code,
/// requestId}` facts (here `correlationId`, Schwab's `Schwab-Client-CorrelId`).
enum SchwabToolFailure: Error, Sendable {
    /// Schwab (or the token source) failed.
    case schwab(SchwabAPIError)
    /// The account named is not the user's (the message lists the ones that exist).
    case account(AccountResolutionError)
    /// An argument passed the schema but not the tool's own check; names the field.
    case input(field: String, message: String)

    /// The error result: the message in words, then the facts as JSON text.
    var result: ToolResult {
        let message: String
        var facts: [(String, JSONValue)]
        switch self {
        case .schwab(let error):
            message =
                error.kind == .signInRequired
                ? error.message
                : "Schwab \(error.kind.code)\(error.status.map { " (HTTP \($0))" } ?? ""): \(error.message)"
            facts = [("code", .string(error.kind.code)), ("kind", .string(error.kind.rawValue))]
            if let status = error.status { facts.append(("status", .int(status))) }
            if let id = error.correlationId { facts.append(("correlationId", .string(id))) }
        case .account(let error):
            message = error.message
            facts = [
                ("code", .string(error.code)), ("field", "accountNumber"),
                ("accounts", .array(error.knownAccounts.map(JSONValue.string))),
            ]
        case .input(let field, let text):
            message = "\(field): \(text)"
            facts = [("code", "invalid_params"), ("field", .string(field))]
        }
        facts.append(("message", .string(message)))
        return ToolResult(
            content: [
                .object([("type", "text"), ("text", .string(message))]),
                .object([("type", "text"), ("text", .string(JSONValue.object([("error", .object(facts))]).jsonText))]),
            ],
            isError: true)
    }

    /// Whether the user must sign in to Schwab again.
    var isSignInRequired: Bool {
        if case .schwab(let error) = self { return error.kind == .signInRequired }
        return false
    }
}
