import MCP
import Schwab

extension TradingTools {
    /// The four order tools for one user. The toolbox lists them only when `env.trading.enabled`.
    ///
    /// Accounts resolve through `env.accounts` (display name or last digits in, hash out); every
    /// result also passes the account scrubber here, so no number or hash leaves even if a
    /// message quoted one.
    public static func tools(_ env: SchwabToolEnvironment) -> [ToolDeclaration] {
        tools(env, now: ConfirmationStore.unixNow)
    }

    /// The tools with the confirmation and audit clock given (tests move it past an expiry).
    static func tools(_ env: SchwabToolEnvironment, now: @escaping ConfirmationStore.Clock) -> [ToolDeclaration] {
        let accounts = env.accounts
        let client = env.client
        let declarations = tools(
            userKey: env.userKey, settings: env.trading, kv: env.kv, namespace: env.namespace,
            send: { request async throws(SchwabAPIError) -> SchwabResponse in try await client.send(request) },
            resolve: { input async throws(TradingError) -> TradingAccount in
                do throws(AccountLookupError) {
                    let entry = try await accounts.resolve(input)
                    return TradingAccount(display: entry.display, hash: entry.hash)
                } catch {
                    switch error {
                    case .schwab(let failure):
                        if failure.kind == .signInRequired {
                            await env.onSignInExpired()
                            throw TradingError(.schwab, accounts.scrubber.scrub(failure.message))
                        }
                        throw TradingError(.schwab, accounts.scrubber.scrub(failure.message))
                    case .resolution(let failure):
                        throw TradingError(.unknownAccount, accounts.scrubber.scrub(failure.message))
                    }
                }
            },
            scrub: { accounts.scrubber.scrub($0) }, onSignInExpired: env.onSignInExpired,
            logger: env.logger.named("trading"), now: now)
        return declarations.map { declaration in
            var scrubbed = declaration
            let handler = declaration.handler
            scrubbed.handler = { arguments, context in
                var result = try await handler(arguments, context)
                let scrubber = accounts.scrubber
                result.content = result.content.map { scrubber.scrub($0) }
                result.structuredContent = result.structuredContent.map { scrubber.scrub($0) }
                return result
            }
            return scrubbed
        }
    }
}
