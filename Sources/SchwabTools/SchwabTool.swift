import EdgeCore
import MCP
import Schwab

/// A read-only Schwab tool written once: name, words, parameters, output shape, whether its
/// results carry account data, and the body that calls Schwab.
///
/// `declaration(env:)` wraps the body in the one place every result passes through: failures
/// become `isError` results, a dead sign-in calls `env.onSignInExpired`, and everything (data and
/// error messages alike) is scrubbed of account numbers and hashes.
struct SchwabTool: Sendable {
    /// The body: validated arguments in, Schwab's (unscrubbed) JSON object out.
    typealias Body = @Sendable (SchwabToolCall) async throws(SchwabToolFailure) -> JSONValue

    let name: String
    let title: String
    let description: String
    let input: ToolSchema
    let output: ToolSchema
    /// Trader data: the account map is loaded (cached 5 minutes) before scrubbing the result.
    let readsAccounts: Bool
    let body: Body

    init(
        _ name: String, title: String, description: String, input: [ToolParameter] = [],
        output: ToolSchema = SchwabTool.anyObject, readsAccounts: Bool, body: @escaping Body
    ) {
        self.name = name
        self.title = title
        self.description = description
        self.input = ToolSchema(input)
        self.output = output
        self.readsAccounts = readsAccounts
        self.body = body
    }

    /// An object with any members (Schwab's maps keyed by symbol, market or expiry).
    static let anyObject = ToolSchema([], allowsOtherMembers: true)

    /// An object whose one member `name` is an array of objects.
    static func list(_ name: String, description: String) -> ToolSchema {
        ToolSchema([.array(name, of: .object([], allowsOtherMembers: true), description: description)])
    }

    /// Read-only hints: changes nothing, same answer for the same call, reaches Schwab.
    static let readOnly = ToolAnnotations(readOnly: true, destructive: false, idempotent: true, openWorld: true)

    /// The MCP declaration: the body wrapped with failure mapping and scrubbing.
    func declaration(env: SchwabToolEnvironment) -> ToolDeclaration {
        let tool = self
        return ToolDeclaration(
            name: name, title: title, description: description, input: input, output: output,
            annotations: Self.readOnly
        ) { arguments, context in
            await SchwabToolbox.run(
                tool.body, readsAccounts: tool.readsAccounts, name: tool.name,
                call: SchwabToolCall(arguments: arguments, env: env, context: context))
        }
    }
}
