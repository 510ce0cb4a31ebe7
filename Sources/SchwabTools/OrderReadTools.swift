import EdgeCore
import MCP
import Schwab

/// getOrders, getOrdersByAccountNumber, getOrder: orders as Schwab holds them (Trader API,
/// never cached: an order's status changes by the second).
enum OrderReadTools {
    static let all = [getOrders, getOrdersByAccountNumber, getOrder]

    /// `apiOrderStatus` ([T], reference/schwab-api.md §6).
    static let statuses = [
        "AWAITING_PARENT_ORDER", "AWAITING_CONDITION", "AWAITING_STOP_CONDITION", "AWAITING_MANUAL_REVIEW",
        "ACCEPTED", "AWAITING_UR_OUT", "PENDING_ACTIVATION", "QUEUED", "WORKING", "REJECTED", "PENDING_CANCEL",
        "CANCELED", "PENDING_REPLACE", "REPLACED", "FILLED", "EXPIRED", "NEW", "AWAITING_RELEASE_TIME",
        "PENDING_ACKNOWLEDGEMENT", "PENDING_RECALL", "UNKNOWN",
    ]

    /// The query parameters both order listings share; `defaultDays` back is the default start.
    static func listParameters(defaultDays: Int, limit: String) -> [ToolParameter] {
        [
            .integer(
                "maxResults", description: "Most orders to return (Schwab's default is 3000).", required: false,
                minimum: 1, maximum: 3000),
            TraderTimestamp.parameter(
                "fromEnteredTime",
                description: "Orders entered at or after this time: ISO-8601 such as 2024-03-29T00:00:00.000Z or "
                    + "2024-03-29T09:30-05:00, a date 2024-03-29, or epoch milliseconds. Default: \(defaultDays) days "
                    + "ago. \(limit)"),
            TraderTimestamp.parameter(
                "toEnteredTime", description: "Orders entered at or before this time (same forms). Default: tomorrow."),
            .string("status", description: "Only orders with this status.", required: false, enum: statuses),
        ]
    }

    /// The query of an order listing, with the default range filled in.
    static func listQuery(_ call: SchwabToolCall, defaultDays: Int) -> [(String, String)] {
        let now = TraderTimestamp.now
        let from =
            TraderTimestamp.argument(call, "fromEnteredTime", endOfDay: false)
            ?? TraderTimestamp.format(now - Double(defaultDays) * 86_400)
        let to = TraderTimestamp.argument(call, "toEnteredTime", endOfDay: true) ?? TraderTimestamp.format(now + 86_400)
        return call.query(["maxResults"]) + [("fromEnteredTime", from), ("toEnteredTime", to)]
            + call.query(["status"])
    }

    static let getOrders = SchwabTool(
        "getOrders", title: "Orders (all accounts)",
        description: "Lists orders across all of the user's accounts entered in a time range (Schwab allows "
            + "the last 60 days), optionally only one status. Each order shows its account by display name.",
        input: listParameters(defaultDays: 30, limit: "Schwab accepts at most 60 days back."),
        output: SchwabTool.list("orders", description: "Schwab's Order objects."), readsAccounts: true
    ) { call throws(SchwabToolFailure) in
        let response = try await call.send(
            SchwabRequest(.get, .trader, "/orders", query: listQuery(call, defaultDays: 30)))
        return .object([("orders", .array(response.json.arrayItems))])
    }

    static let getOrdersByAccountNumber = SchwabTool(
        "getOrdersByAccountNumber", title: "Orders (one account)",
        description: "Lists one account's orders entered in a time range (at most one year), optionally only "
            + "one status.",
        input: [AccountTools.accountParameter("whose orders to list")]
            + listParameters(defaultDays: 60, limit: "The range may span at most one year."),
        output: SchwabTool.list("orders", description: "Schwab's Order objects."), readsAccounts: true
    ) { call throws(SchwabToolFailure) in
        let account = try await call.account()
        let response = try await call.send(
            SchwabRequest(
                .get, .trader, "/accounts/\(account.hash)/orders", query: listQuery(call, defaultDays: 60)))
        return .object([("orders", .array(response.json.arrayItems))])
    }

    static let getOrder = SchwabTool(
        "getOrder", title: "Order",
        description: "One order of an account by its order id: legs, status, fills and remaining quantity.",
        input: [
            AccountTools.accountParameter("the order belongs to"),
            ToolParameter.integer("orderId", description: "The order's id (from getOrders).", minimum: 1)
                .accepting(.numericString),
        ],
        readsAccounts: true
    ) { call throws(SchwabToolFailure) in
        let account = try await call.account()
        let id = call.arguments.int("orderId") ?? 0
        let response = try await call.send(SchwabRequest(.get, .trader, "/accounts/\(account.hash)/orders/\(id)"))
        return response.json.asObject(wrapping: "order")
    }
}
