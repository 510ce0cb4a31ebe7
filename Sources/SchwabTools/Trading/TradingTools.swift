import EdgeCore
import EdgeKV
import MCP
import Schwab

/// The order tools: previewOrder, placeOrder, replaceOrder and cancelOrder, listed by the toolbox
/// only when the operator set `ENABLE_TRADING = "true"` (issue 8, "Safe trading").
///
/// Every order is confirmed by the user before it is sent: by elicitation showing a plain summary
/// when the client supports it, otherwise with a confirmation id from previewOrder that places
/// exactly the previewed order once within ten minutes. The operator's limits apply to every
/// order, and every step is appended to the audit log (`schwab-mcp audit`).
public enum TradingTools {
    /// The four tools over explicit parts; `tools(_:)` builds them from a user's environment.
    ///
    /// - Parameters:
    ///   - send: the user's Schwab client.
    ///   - resolve: account input (display name or last digits) to display name and hash.
    ///   - scrub: removes account numbers and hashes from text.
    static func tools(
        userKey: String, settings: TradingSettings, kv: any KVBackend, namespace: String,
        send: @escaping TradingDesk.Send, resolve: @escaping TradingDesk.Resolve,
        scrub: @escaping @Sendable (String) -> String, onSignInExpired: @escaping @Sendable () async -> Void,
        logger: Logger? = nil, now: @escaping ConfirmationStore.Clock = ConfirmationStore.unixNow
    ) -> [ToolDeclaration] {
        let desk = TradingDesk(
            userKey: userKey, settings: settings, send: send, resolve: resolve, scrub: scrub,
            onSignInExpired: onSignInExpired,
            confirmations: ConfirmationStore(kv: kv, namespace: namespace, now: now),
            audit: AuditLog(kv: kv, namespace: namespace, now: now), logger: logger)
        return declarations(desk)
    }
}
