import EdgeCore
import MCP
import Schwab

/// getTransactions and getTransaction: trades, dividends, transfers (Trader API, never cached).
/// Unlike the seed, getTransaction calls Schwab, and getTransactions honours its account.
enum TransactionTools {
    static let all = [getTransactions, getTransaction]

    /// `TransactionType` ([T], reference/schwab-api.md §6).
    static let types = [
        "TRADE", "RECEIVE_AND_DELIVER", "DIVIDEND_OR_INTEREST", "ACH_RECEIPT", "ACH_DISBURSEMENT", "CASH_RECEIPT",
        "CASH_DISBURSEMENT", "ELECTRONIC_FUND", "WIRE_OUT", "WIRE_IN", "JOURNAL", "MEMORANDUM", "MARGIN_CALL",
        "MONEY_MARKET", "SMA_ADJUSTMENT",
    ]

    static let getTransactions = SchwabTool(
        "getTransactions", title: "Transactions",
        description: "Lists an account's transactions of the given types in a time range (at most one year, at "
            + "most 3000 items), optionally for one symbol. Without accountNumber, every account's.",
        input: [
            .string(
                "accountNumber",
                description: "The account (display name, nickname or last digits, as getAccountNumbers shows). "
                    + "Leave out for all accounts.",
                required: false, minLength: 1, maxLength: 200),
            TraderTimestamp.parameter(
                "startDate",
                description: "Transactions at or after this time: ISO-8601 such as 2024-03-28T21:10:42.000Z, a "
                    + "date, or epoch milliseconds. Default: 30 days ago."),
            TraderTimestamp.parameter(
                "endDate", description: "Transactions at or before this time (same forms). Default: now."),
            ToolParameter(
                "types",
                .array(
                    of: .string(enum: types), description: "The transaction types to include (default TRADE).",
                    minItems: 1, maxItems: types.count
                ).accepting(.commaSeparated), required: false, default: ["TRADE"]),
            .string(
                "symbol", description: "Only transactions in this symbol.", required: false, minLength: 1,
                maxLength: 64),
        ],
        output: SchwabTool.list("transactions", description: "Schwab's Transaction objects."), readsAccounts: true
    ) { call throws(SchwabToolFailure) in
        let now = TraderTimestamp.now
        let start =
            TraderTimestamp.argument(call, "startDate", endOfDay: false) ?? TraderTimestamp.format(now - 30 * 86_400)
        let end = TraderTimestamp.argument(call, "endDate", endOfDay: true) ?? TraderTimestamp.format(now)
        let query = [("startDate", start), ("endDate", end)] + call.query(["types", "symbol"])
        let hashes: [String]
        if call.arguments.string("accountNumber") != nil {
            hashes = [try await call.account().hash]
        } else {
            hashes = try await call.accountMap().entries.map(\.hash)
        }
        var items: [JSONValue] = []
        for hash in hashes {
            let response = try await call.send(
                SchwabRequest(.get, .trader, "/accounts/\(hash)/transactions", query: query))
            items += response.json.arrayItems
        }
        return .object([("transactions", .array(items))])
    }

    static let getTransaction = SchwabTool(
        "getTransaction", title: "Transaction",
        description: "One transaction of an account by its id (activityId from getTransactions).",
        input: [
            AccountTools.accountParameter("the transaction belongs to"),
            ToolParameter.integer("transactionId", description: "The transaction's id (activityId).", minimum: 1)
                .accepting(.numericString),
        ],
        readsAccounts: true
    ) { call throws(SchwabToolFailure) in
        let account = try await call.account()
        let id = call.arguments.int("transactionId") ?? 0
        let response = try await call.send(
            SchwabRequest(.get, .trader, "/accounts/\(account.hash)/transactions/\(id)"))
        // The spec says an array; real answers are one object (reference/schwab-api.md §3).
        if case .array(let items) = response.json {
            guard let first = items.first else {
                throw .schwab(
                    SchwabAPIError(
                        .notFound, status: 404, message: "Transaction \(id) was not found in this account",
                        correlationId: response.correlationId))
            }
            return first.asObject(wrapping: "transaction")
        }
        return response.json.asObject(wrapping: "transaction")
    }
}
