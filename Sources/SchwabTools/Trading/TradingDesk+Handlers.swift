import EdgeCore
import MCP
import Schwab

extension TradingDesk {
    /// previewOrder: the summary, Schwab's own validation when it offers one, and a confirmation
    /// id for exactly this order (ten minutes, once) for clients that cannot be asked.
    func preview(_ arguments: ToolArguments) async -> ToolResult {
        await run("previewOrder") { (trail: inout Trail) async throws(TradingError) -> ToolResult in
            let action = OrderSummary.Action(rawValue: arguments.string("action") ?? "place") ?? .place
            if action != .cancel, arguments["orderStrategyType"] == nil {
                throw TradingError(.invalidOrder, "The order is not complete: orderStrategyType is required.")
            }
            let prepared = try await prepare(action, arguments, trail: &trail)
            let validation = try await schwabPreview(prepared)
            let rejects = (validation["rejects"]?.arrayValue ?? []).map {
                scrub($0["message"]?.stringValue ?? $0.jsonText)
            }
            if !rejects.isEmpty {
                throw TradingError(
                    .invalidOrder,
                    "Schwab would reject this order: " + rejects.joined(separator: "; ")
                        + ". No confirmation id was issued.")
            }
            let (id, expiresAt) = try await confirmations.issue(userKey: userKey, fingerprint: prepared.fingerprint)
            if let failure = await record(trail, .previewed, detail: "confirmation id issued, valid ten minutes") {
                throw failure
            }
            var members: [(String, JSONValue)] = [
                ("summary", prepared.summary.json), ("confirmationId", .string(id)),
                ("expiresAt", .string(AuditEntry.isoTime(expiresAt))),
                (
                    "next",
                    .string(
                        "Show the user the summary. If they agree, call \(Self.toolName(action)) with the same "
                            + "arguments plus this confirmationId (valid ten minutes, once). Clients that support "
                            + "elicitation are asked directly instead.")
                ),
            ]
            if validation != .null { members.append(("schwabValidation", validation)) }
            return .structured(.object(members))
        }
    }

    /// Schwab's own check of the order (POST previewOrder): its `orderValidationResult`, or a note
    /// when the preview is unavailable. A 400 means Schwab refuses the order as written.
    private func schwabPreview(_ prepared: Prepared) async throws(TradingError) -> JSONValue {
        guard prepared.summary.action != .cancel, let order = prepared.summary.order else { return .null }
        let request = SchwabRequest(.post, .trader, "/accounts/\(prepared.account.hash)/previewOrder", body: order.body)
        do {
            return try await send(request).json["orderValidationResult"] ?? .null
        } catch {
            switch error.kind {
            case .badRequest:
                throw TradingError(
                    .invalidOrder,
                    "Schwab refuses this order: \(scrub(error.message)). No confirmation id was issued.")
            case .signInRequired:
                await onSignInExpired()
                throw TradingError(.schwab, scrub(error.message))
            default:
                return .object([("unavailable", .string("Schwab's preview was unavailable: \(scrub(error.message))"))])
            }
        }
    }

    /// placeOrder, replaceOrder and cancelOrder: check, confirm, send once, report the order id.
    func act(_ action: OrderSummary.Action, _ arguments: ToolArguments, context: ToolContext) async -> ToolResult {
        await run(Self.toolName(action)) { (trail: inout Trail) async throws(TradingError) -> ToolResult in
            let prepared = try await prepare(action, arguments, trail: &trail)
            if case .declined(let why) = try await confirm(prepared, arguments, context: context, trail: &trail) {
                return .structured(
                    .object([
                        ("status", "declined"),
                        ("message", .string("Nothing was sent to Schwab: \(why).")),
                        ("summary", prepared.summary.json),
                    ]))
            }
            return try await send(action, prepared, trail: &trail)
        }
    }

    /// Sends the confirmed request exactly once (never retried: a lost answer may hide a placed order).
    private func send(
        _ action: OrderSummary.Action, _ prepared: Prepared, trail: inout Trail
    )
        async throws(TradingError) -> ToolResult
    {
        let base = "/accounts/\(prepared.account.hash)/orders"
        let request: SchwabRequest
        switch action {
        case .place: request = SchwabRequest(.post, .trader, base, body: prepared.summary.order?.body)
        case .replace:
            request = SchwabRequest(
                .put, .trader, base + "/\(prepared.summary.orderId!)", body: prepared.summary.order?.body)
        case .cancel: request = SchwabRequest(.delete, .trader, base + "/\(prepared.summary.orderId!)")
        }
        let response: SchwabResponse
        do {
            response = try await call(request)
        } catch {
            throw TradingError(
                error.kind,
                "Schwab did not accept it: \(error.message). It was not retried; check getOrders before trying again.")
        }
        let event: AuditEntry.Event
        let status: String
        var orderId = response.orderId.map { $0.filter(\.isNumber) }
        switch action {
        case .place: (event, status) = (.placed, "placed")
        case .replace: (event, status) = (.replaced, "replaced")
        case .cancel: (event, status, orderId) = (.cancelled, "cancelled", prepared.summary.orderId)
        }
        var members: [(String, JSONValue)] = [("status", .string(status))]
        if let orderId { members.append(("orderId", .string(orderId))) }
        if action == .replace { members.append(("replacedOrderId", .string(prepared.summary.orderId ?? ""))) }
        members.append(("account", .string(prepared.account.display)))
        members.append(("summary", prepared.summary.json))
        var message = "Schwab accepted: order \(status)"
        if let orderId {
            message += ", order id \(orderId)"
        } else {
            message += "; Schwab gave no order id, see getOrders"
        }
        let detail = action == .replace ? "replaced order \(prepared.summary.orderId ?? "?")" : nil
        if let failure = await record(trail, event, orderId: orderId, detail: detail) {
            message += ". Warning: the audit log could not be written (\(failure.message))"
        }
        members.append(("message", .string(message + ".")))
        return .structured(.object(members))
    }

    static func toolName(_ action: OrderSummary.Action) -> String {
        switch action {
        case .place: "placeOrder"
        case .replace: "replaceOrder"
        case .cancel: "cancelOrder"
        }
    }
}
