import EdgeCore
import MCP
import Schwab

/// Every Schwab tool of one user, with the seed's names (`SeedToolNames`), built per object
/// activation from its environment (no I/O: declarations only).
///
/// Results are scrubbed here and only here (`run`): each tool body returns Schwab's JSON and
/// the wrapper replaces account numbers and hashes with display names, in data and in error
/// messages alike. The order tools (`TradingTools`) join only with `env.trading.enabled`.
public enum SchwabToolbox {
    /// `status` plus the read tools, then the order tools when trading is on.
    public static func tools(_ env: SchwabToolEnvironment, server: MCPServerInfo) -> [ToolDeclaration] {
        var tools = [scrubbing(status(env, server: server), env: env)]
        tools += readTools.map { $0.declaration(env: env) }
        if env.trading.enabled { tools += tradingTools(env).map { scrubbing($0, env: env) } }
        let accounts = env.accounts
        return tools.map { tool in
            var tool = tool
            tool.refusalFilter = { result in scrubbed(result, by: accounts.scrubber) }
            return tool
        }
    }

    /// `result` with its content and structured content passed through `scrubber`.
    static func scrubbed(_ result: ToolResult, by scrubber: AccountScrubber) -> ToolResult {
        var result = result
        result.content = result.content.map { scrubber.scrub($0) }
        result.structuredContent = result.structuredContent.map { scrubber.scrub($0) }
        return result
    }

    /// `declaration` with its results (content and structured content) passed through the
    /// user's account scrubber: for the tools not written as `SchwabTool`s (`status`, and the
    /// order tools, which scrub their own results too), so that nothing leaves unscrubbed.
    static func scrubbing(_ declaration: ToolDeclaration, env: SchwabToolEnvironment) -> ToolDeclaration {
        var wrapped = declaration
        let handler = declaration.handler
        let accounts = env.accounts
        wrapped.handler = { arguments, context in
            scrubbed(try await handler(arguments, context), by: accounts.scrubber)
        }
        return wrapped
    }

    /// The read tools in the seed's order (after `status`).
    static let readTools: [SchwabTool] =
        AccountTools.all + OrderReadTools.all + TransactionTools.all + QuoteTools.all + InstrumentTools.all
        + MarketInfoTools.all + OptionTools.all + PriceHistoryTool.all

    /// Runs one tool body: the answer as structured content plus JSON text, or an `isError`
    /// result; a dead sign-in also calls `onSignInExpired`. Everything leaving is scrubbed.
    static func run(
        _ body: SchwabTool.Body, readsAccounts: Bool, name: String, call: SchwabToolCall
    ) async -> ToolResult {
        let env = call.env
        let outcome: Result<JSONValue, SchwabToolFailure>
        do {
            outcome = .success(try await body(call))
        } catch {
            outcome = .failure(error)
        }
        var scrubber = env.accounts.scrubber
        if readsAccounts, case .success = outcome, let map = try? await env.accounts.map() {
            scrubber = AccountScrubber(map: map)
        }
        switch outcome {
        case .success(let value):
            return .structured(scrubber.scrub(value))
        case .failure(let failure):
            if failure.isSignInRequired { await env.onSignInExpired() }
            var result = failure.result
            result.content = result.content.map { scrubber.scrub($0) }
            env.logger.info(
                "tool failed",
                [("tool", .string(name)), ("error", .string(scrubber.scrub(failure.logCode)))])
            return result
        }
    }
}

extension SchwabToolFailure {
    /// The code a log line carries (no message: messages may quote user input).
    var logCode: String {
        switch self {
        case .schwab(let error): error.kind.code
        case .account(let error): error.code
        case .input: "invalid_params"
        }
    }
}
