import MCP

extension TradingTools {
    static let account = ToolParameter.string(
        "accountNumber",
        description: "The account's display name (as getAccounts shows it, e.g. 'Individual ...123') "
            + "or its last digits.", minLength: 1, maxLength: 100)
    static func orderId(required: Bool) -> ToolParameter {
        ToolParameter.integer(
            "orderId", description: "The order's id, from getOrders or placeOrder.", required: required, minimum: 1
        ).accepting(.numericString)
    }
    static let confirmationId = ToolParameter.string(
        "confirmationId",
        description: "Only for clients that cannot show a confirmation question: the id "
            + "previewOrder returned for exactly this order, after the user agreed to its summary.", required: false,
        pattern: "^[0-9a-f]{32}$")

    /// Hints for the tools that change orders.
    static let destructive = ToolAnnotations(readOnly: false, destructive: true, idempotent: false, openWorld: true)

    /// The order members, with `orderStrategyType` optional (a cancel preview has no order).
    static var optionalOrder: [ToolParameter] {
        OrderSchema.parameters.map { parameter in
            var copy = parameter
            copy.isRequired = false
            return copy
        }
    }

    static func declarations(_ desk: TradingDesk) -> [ToolDeclaration] {
        let confirmWords =
            " The user confirms a plain summary first (asked by the client when it supports elicitation; otherwise "
            + "previewOrder gives a confirmationId to pass here). Operator limits apply."
        return [
            ToolDeclaration(
                name: "previewOrder", title: "Preview order",
                description: "Summarises an order (account, side, quantity, symbol, type, limit price, estimated "
                    + "cost), checks it against the operator's limits and Schwab's validation, and returns a "
                    + "confirmationId valid ten minutes for placeOrder, replaceOrder or cancelOrder (action). "
                    + "Sends nothing.",
                input: ToolSchema(
                    [
                        account,
                        .string(
                            "action",
                            description: "What the order would do: place a new order, replace orderId, "
                                + "or cancel orderId.", default: "place", enum: ["place", "replace", "cancel"]),
                        orderId(required: false),
                    ] + optionalOrder + OrderSchema.stateMembers(withOrderId: false, withAccount: false)),
                annotations: ToolAnnotations(readOnly: true, destructive: false, idempotent: false, openWorld: true)
            ) { arguments, _ in
                if arguments.string("action") != "place", arguments["orderId"] == nil {
                    return .error("orderId is required to preview a replace or a cancel.")
                }
                return await desk.preview(arguments)
            },
            ToolDeclaration(
                name: "placeOrder", title: "Place order",
                description: "Places an order in one account." + confirmWords + " Returns the new order id.",
                input: ToolSchema(
                    [account] + OrderSchema.parameters + OrderSchema.stateMembers(withOrderId: true, withAccount: false)
                        + [confirmationId]),
                annotations: destructive, streams: { _ in true }
            ) { arguments, context in
                await desk.act(.place, arguments, context: context)
            },
            ToolDeclaration(
                name: "replaceOrder", title: "Replace order",
                description: "Replaces an open order with a new one (Schwab cancels the old and gives the new one "
                    + "its own id)." + confirmWords,
                input: ToolSchema(
                    [account, orderId(required: true)] + OrderSchema.parameters
                        + OrderSchema.stateMembers(withOrderId: false, withAccount: false) + [confirmationId]),
                annotations: destructive, streams: { _ in true }
            ) { arguments, context in
                await desk.act(.replace, arguments, context: context)
            },
            ToolDeclaration(
                name: "cancelOrder", title: "Cancel order",
                description: "Cancels an open order." + confirmWords,
                input: ToolSchema([account, orderId(required: true), confirmationId]),
                annotations: destructive, streams: { _ in true }
            ) { arguments, context in
                await desk.act(.cancel, arguments, context: context)
            },
        ]
    }
}
