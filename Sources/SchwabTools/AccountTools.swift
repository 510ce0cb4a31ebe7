import EdgeCore
import MCP
import Schwab

/// getAccounts, getAccount, getAccountNumbers, getUserPreference: the user's accounts, balances,
/// positions and preferences (Trader API, never cached: a stale balance misleads).
enum AccountTools {
    static let all = [getAccounts, getAccount, getAccountNumbers, getUserPreference]

    /// The one optional `fields` parameter of the account calls ([T]: the only value is `positions`).
    static let fields = ToolParameter.string(
        "fields", description: "Set to \"positions\" to include each account's positions.", required: false,
        enum: ["positions"])

    /// The account parameter every per-account tool takes.
    static func accountParameter(_ what: String) -> ToolParameter {
        .string(
            "accountNumber",
            description: "The account \(what): its display name as getAccountNumbers shows it "
                + "(e.g. \"Individual ...123\"), its nickname, or its last digits.",
            minLength: 1, maxLength: 200)
    }

    static let getAccounts = SchwabTool(
        "getAccounts", title: "Accounts",
        description: "Lists the user's Schwab brokerage accounts (each account's securitiesAccount) with "
            + "balances, and positions when fields is \"positions\". Account numbers are replaced by display names "
            + "such as \"Individual ...123\".",
        input: [fields], output: SchwabTool.list("accounts", description: "Each account's securitiesAccount."),
        readsAccounts: true
    ) { call throws(SchwabToolFailure) in
        let response = try await call.send(SchwabRequest(.get, .trader, "/accounts", query: call.query(["fields"])))
        return .object([("accounts", .array(response.json.arrayItems.map(flattened)))])
    }

    /// An `Account` as the seed showed it: its `securitiesAccount`, with any sibling members
    /// (Schwab's `aggregatedBalance`) kept beside the account's own.
    static func flattened(_ account: JSONValue) -> JSONValue {
        guard case .object(let members) = account, case .object(var inner)? = account["securitiesAccount"] else {
            return account
        }
        inner += members.filter { $0.0 != "securitiesAccount" }
        return .object(inner)
    }

    static let getAccount = SchwabTool(
        "getAccount", title: "Account",
        description: "One account's balances, and its positions when fields is \"positions\".",
        input: [accountParameter("to show"), fields], readsAccounts: true
    ) { call throws(SchwabToolFailure) in
        let account = try await call.account()
        let response = try await call.send(
            SchwabRequest(.get, .trader, "/accounts/" + account.hash, query: call.query(["fields"])))
        return response.json.asObject(wrapping: "account")
    }

    static let getAccountNumbers = SchwabTool(
        "getAccountNumbers", title: "Account names",
        description: "Lists the user's accounts by display name (\"Individual ...123\"): the names the other "
            + "tools take as accountNumber. Never shows account numbers or hashes.",
        output: ToolSchema([
            .array(
                "accounts",
                of: .object([.string("accountDisplay"), .string("nickName")], allowsOtherMembers: true),
                description: "The accounts, primary first.")
        ]),
        readsAccounts: true
    ) { call throws(SchwabToolFailure) in
        let map = try await call.accountMap()
        let accounts: [JSONValue] = map.entries.map {
            .object([("accountDisplay", .string($0.display)), ("nickName", .string($0.nickName))])
        }
        return .object([("accounts", .array(accounts))])
    }

    static let getUserPreference = SchwabTool(
        "getUserPreference", title: "User preferences",
        description: "The user's Schwab preferences: accounts (by display name), streamer info and market data "
            + "permissions.",
        readsAccounts: true
    ) { call throws(SchwabToolFailure) in
        let response = try await call.send(SchwabRequest(.get, .trader, "/userPreference"))
        if case .array(let items) = response.json { return items.first ?? .object([]) }
        return response.json.asObject(wrapping: "userPreference")
    }
}

extension JSONValue {
    /// The elements of an array; nothing for anything else.
    var arrayItems: [JSONValue] {
        if case .array(let items) = self { return items }
        return []
    }

    /// An object as it is; anything else wrapped as `{key: value}` (structured content must be
    /// an object, MCP spec 2025-06-18 server/tools).
    func asObject(wrapping key: String) -> JSONValue {
        if case .object = self { return self }
        return .object([(key, self)])
    }
}
