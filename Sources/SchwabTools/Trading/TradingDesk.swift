import EdgeCore
import EdgeHTTP
import MCP
import Schwab

/// An account as the order tools use it: the display name people see, the hash Schwab's paths take.
struct TradingAccount: Sendable {
    /// `Individual ...123`.
    var display: String
    /// The account hash (goes into request paths only, never into results, logs or the audit log).
    var hash: String
}

/// What the order tools of one user work with: Schwab, the account lookup, the scrubber, the
/// confirmation store, the audit log and the operator's settings.
///
/// Built from `SchwabToolEnvironment` by `TradingTools.tools`; the handlers live in extensions.
struct TradingDesk: Sendable {
    typealias Send = @Sendable (SchwabRequest) async throws(SchwabAPIError) -> SchwabResponse
    typealias Resolve = @Sendable (String) async throws(TradingError) -> TradingAccount

    let userKey: String
    let settings: TradingSettings
    let send: Send
    let resolve: Resolve
    /// Removes any account number or hash from text (Schwab's error messages).
    let scrub: @Sendable (String) -> String
    let onSignInExpired: @Sendable () async -> Void
    let confirmations: ConfirmationStore
    let audit: AuditLog
    /// One line per audited step (tool, event, order id; the account by display name only).
    let logger: Logger?

    /// What a call has learnt so far, so a refusal's audit entry names the account and order.
    struct Trail: Sendable {
        var tool: String
        var account: String?
        var summary: OrderSummary?
        var orderId: String?
    }

    /// An order checked, summarised and within limits, ready to be confirmed and sent.
    struct Prepared: Sendable {
        var account: TradingAccount
        var summary: OrderSummary
        /// What a confirmation id is bound to: action, account display, order id, canonical order.
        var fingerprint: String
    }

    /// Turns the arguments into a checked, summarised order for `action`.
    func prepare(
        _ action: OrderSummary.Action, _ arguments: ToolArguments, trail: inout Trail
    )
        async throws(TradingError) -> Prepared
    {
        let account = try await resolve(arguments.string("accountNumber") ?? "")
        trail.account = account.display
        var orderId: String?
        if action != .place {
            guard let number = arguments.int("orderId"), number > 0 else {
                throw TradingError(.invalidOrder, "orderId must be the order's number (from getOrders).")
            }
            let id = String(number)
            orderId = id
            trail.orderId = id
        }
        let order: TradingOrder?
        var replacing: TradingOrder?
        switch action {
        case .place: order = try TradingOrder.parse(arguments)
        case .replace:
            order = try TradingOrder.parse(arguments)
            replacing = try await existingOrder(orderId!, account: account)
        case .cancel: order = try await existingOrder(orderId!, account: account)
        }
        let quotes = action == .cancel ? [:] : await self.quotes(order.map(OrderSummary.symbolsNeedingQuotes) ?? [])
        let summary = OrderSummary(
            action: action, account: account.display, orderId: orderId, order: order, replacing: replacing,
            quotes: quotes)
        trail.summary = summary
        if let refusal = OrderLimits.check(summary, settings) { throw refusal }
        let body = action == .cancel ? "" : order?.canonicalText ?? ""
        let fingerprint = "\(action.rawValue)|\(account.display)|\(orderId ?? "")|\(body)"
        return Prepared(account: account, summary: summary, fingerprint: fingerprint)
    }

    /// The open order a cancel acts on, so the question shows what would be cancelled.
    func existingOrder(_ id: String, account: TradingAccount) async throws(TradingError) -> TradingOrder? {
        let response = try await call(SchwabRequest(.get, .trader, "/accounts/\(account.hash)/orders/\(id)"))
        var problems: [String] = []
        return TradingOrder.parse(response.json, path: "", problems: &problems)
    }

    /// Quotes for the market legs' estimate; a symbol without a quote leaves the estimate unknown.
    func quotes(_ symbols: [String]) async -> [String: OrderQuote] {
        guard !symbols.isEmpty else { return [:] }
        let request = SchwabRequest(
            .get, .marketData, "/quotes", query: [("symbols", symbols.joined(separator: ",")), ("fields", "quote")],
            cache: .ttl(seconds: 2))
        guard let response = try? await send(request), case .object(let members) = response.json else { return [:] }
        var quotes: [String: OrderQuote] = [:]
        for (symbol, entry) in members { quotes[symbol.uppercased()] = OrderQuote(quoteResponseEntry: entry) }
        return quotes
    }

    /// Sends one request; a dead sign-in revokes the user's grants, and every message is scrubbed.
    func call(_ request: SchwabRequest) async throws(TradingError) -> SchwabResponse {
        do {
            return try await send(request)
        } catch {
            if error.kind == .signInRequired {
                await onSignInExpired()
                throw TradingError(.schwab, scrub(error.message))
            }
            var message = scrub(error.message)
            if let id = error.correlationId { message += " (Schwab correlation id \(id))" }
            throw TradingError(.schwab, message)
        }
    }

    /// Appends to the audit log, never failing the caller's result for it after an order is sent.
    func record(
        _ trail: Trail, _ event: AuditEntry.Event, orderId: String? = nil, detail: String? = nil
    ) async
        -> TradingError?
    {
        logger?.info(
            "trading step",
            [
                ("tool", .string(trail.tool)), ("event", .string(event.rawValue)),
                ("orderId", (orderId ?? trail.orderId).map(JSONValue.string) ?? .null),
            ])
        do {
            try await audit.append(
                user: userKey, tool: trail.tool, event, account: trail.account, summary: trail.summary,
                orderId: orderId ?? trail.orderId, detail: detail.map(scrub))
            return nil
        } catch {
            return error
        }
    }

    /// The audit event for a refusal of `kind`.
    static func event(for kind: TradingError.Kind) -> AuditEntry.Event {
        switch kind {
        case .limitExceeded: .refusedByLimits
        case .confirmationRequired, .badConfirmation, .confirmationFailed: .refusedConfirmation
        case .schwab: .schwabError
        case .invalidOrder, .unknownAccount, .storage: .refusedInvalid
        }
    }

    /// Runs a handler: a refusal is audited and becomes an `isError` result in plain words.
    func run(_ tool: String, _ body: (inout Trail) async throws(TradingError) -> ToolResult) async -> ToolResult {
        var trail = Trail(tool: tool)
        do {
            return try await body(&trail)
        } catch {
            _ = await record(trail, Self.event(for: error.kind), detail: error.message)
            return .error(scrub(error.message))
        }
    }
}
