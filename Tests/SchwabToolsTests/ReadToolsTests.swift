import EdgeCore
import Foundation
import MCP
import SchwabTools
import TestSupport
import Testing

/// Every read tool through `SchwabToolbox` against the real sandbox, with the user's Schwab tokens
/// in a real KV service; results checked against the sandbox's own answers.
@Suite("Read tools against the sandbox", .realWorld, .serialized)
struct ReadToolsTests {
    @Test("getAccountNumbers shows '<nickName> ...<last 3>' for each account, never a number or hash")
    func accountNumbers() async throws {
        let world = try await ToolsWorld()
        let result = try await world.tools().call("getAccountNumbers")
        #expect(!result.isError)
        let shown = result.data["accounts"]?.items.compactMap { $0["accountDisplay"]?.stringValue } ?? []
        let expected = [
            "Individual ...\(world.accounts[0].number.suffix(3))", "Roth IRA ...\(world.accounts[1].number.suffix(3))",
        ]
        #expect(shown == expected)
        #expect(!world.leaks(result.allText))
    }

    @Test("getAccounts lists both accounts by display name; fields=positions adds the sandbox's positions")
    func accounts() async throws {
        let world = try await ToolsWorld()
        let tools = world.tools()
        let plain = try await tools.call("getAccounts")
        let accounts = plain.data["accounts"]?.items ?? []
        #expect(accounts.count == 2)
        #expect(accounts.allSatisfy { $0["accountDisplay"] != nil && $0["accountNumber"] == nil })
        #expect(accounts.allSatisfy { $0["positions"] == nil })
        let withPositions = try await tools.call("getAccounts", ["fields": "positions"])
        let first = withPositions.data["accounts"]?.items.first
        #expect(first?["accountDisplay"]?.stringValue?.hasPrefix("Individual ...") == true)
        let symbols = Set(first?["positions"]?.items.compactMap { $0["instrument"]?["symbol"]?.stringValue } ?? [])
        let direct = try await world.schwab("/trader/v1/accounts/\(world.accounts[0].hash)?fields=positions")
        let expected = Set(
            direct["securitiesAccount"]?["positions"]?.items.compactMap { $0["instrument"]?["symbol"]?.stringValue }
                ?? [])
        #expect(symbols == expected)
        #expect(symbols.isSuperset(of: ["AAPL", "MSFT", "SPY", "NVDA"]))
        #expect(!world.leaks(plain.allText + withPositions.allText))
    }

    @Test(
        "getAccount finds the account by display name, nickname or last digits and honours fields",
        arguments: ["display", "nickname", "digits", "dots"])
    func account(form: String) async throws {
        let world = try await ToolsWorld()
        let tail = String(world.accounts[1].number.suffix(3))
        let input =
            switch form {
            case "display": "Roth IRA ...\(tail)"
            case "nickname": "roth ira"
            case "digits": tail
            default: "...\(tail)"
            }
        let tools = world.tools()
        let result = try await tools.call("getAccount", ["accountNumber": .string(input), "fields": "positions"])
        #expect(!result.isError, "\(result.text)")
        let account = result.data["securitiesAccount"]
        #expect(account?["accountDisplay"]?.stringValue == "Roth IRA ...\(tail)")
        let symbols = Set(account?["positions"]?.items.compactMap { $0["instrument"]?["symbol"]?.stringValue } ?? [])
        #expect(symbols.isSuperset(of: ["VTI", "AGG", "KO"]))
        let bare = try await tools.call("getAccount", ["accountNumber": .string(input)])
        #expect(bare.data["securitiesAccount"]?["positions"] == nil)
        #expect(bare.data["securitiesAccount"]?["currentBalances"] != nil)
        #expect(!world.leaks(result.allText + bare.allText))
    }

    @Test("an unknown account is an error listing the display names that exist")
    func unknownAccount() async throws {
        let world = try await ToolsWorld()
        let result = try await world.tools().call("getAccount", ["accountNumber": "Savings"])
        #expect(result.isError)
        #expect(result.text.contains("Savings"))
        #expect(result.text.contains("Individual ...\(world.accounts[0].number.suffix(3))"))
        #expect(result.text.contains("Roth IRA ...\(world.accounts[1].number.suffix(3))"))
        #expect(!world.leaks(result.allText))
    }

    @Test("getUserPreference shows accounts by display name")
    func userPreference() async throws {
        let world = try await ToolsWorld()
        let result = try await world.tools().call("getUserPreference")
        let accounts = result.data["accounts"]?.items ?? []
        #expect(accounts.count == 2)
        #expect(accounts.first?["nickName"]?.stringValue == "Individual")
        #expect(accounts.allSatisfy { $0["accountDisplay"] != nil })
        #expect(!world.leaks(result.allText))
    }

    @Test("getOrders, getOrdersByAccountNumber and getOrder agree with the sandbox's orders")
    func orders() async throws {
        let world = try await ToolsWorld()
        let tools = world.tools()
        let all = try await tools.call("getOrders")
        #expect(!all.isError, "\(all.text)")
        let orders = all.data["orders"]?.items ?? []
        #expect(!orders.isEmpty)
        #expect(orders.allSatisfy { $0["accountDisplay"]?.stringValue != nil && $0["accountNumber"] == nil })
        let display = try #require(orders.first?["accountDisplay"]?.stringValue)
        let orderId = try #require(orders.first?["orderId"]?.intValue)
        let byAccount = try await tools.call(
            "getOrdersByAccountNumber", ["accountNumber": .string(display), "maxResults": 100])
        #expect(byAccount.data["orders"]?.items.contains { $0["orderId"]?.intValue == orderId } == true)
        let filled = try await tools.call(
            "getOrdersByAccountNumber", ["accountNumber": .string(display), "status": "FILLED"])
        #expect(filled.data["orders"]?.items.allSatisfy { $0["status"]?.stringValue == "FILLED" } == true)
        let one = try await tools.call("getOrder", ["accountNumber": .string(display), "orderId": .int(orderId)])
        #expect(one.data["orderId"]?.intValue == orderId)
        #expect(one.data["accountDisplay"]?.stringValue == display)
        let missing = try await tools.call("getOrder", ["accountNumber": .string(display), "orderId": 999_999_999])
        #expect(missing.isError)
        #expect(missing.allText.contains("not_found"))
        #expect(!world.leaks(all.allText + byAccount.allText + one.allText + missing.allText + filled.allText))
    }

    @Test("getTransactions lists the sandbox's trades; getTransaction fetches one (the seed's was a stub)")
    func transactions() async throws {
        let world = try await ToolsWorld()
        let tools = world.tools()
        let display = "Individual ...\(world.accounts[0].number.suffix(3))"
        let list = try await tools.call(
            "getTransactions",
            ["accountNumber": .string(display), "startDate": .string(daysAgo(200)), "types": ["TRADE"]])
        #expect(!list.isError, "\(list.text)")
        let items = list.data["transactions"]?.items ?? []
        #expect(!items.isEmpty)
        #expect(items.allSatisfy { $0["type"]?.stringValue == "TRADE" })
        let id = try #require(items.first?["activityId"]?.intValue)
        let one = try await tools.call(
            "getTransaction", ["accountNumber": .string(display), "transactionId": .int(id)])
        #expect(!one.isError, "\(one.text)")
        #expect(one.data["activityId"]?.intValue == id)
        let everyAccount = try await tools.call(
            "getTransactions", ["startDate": .string(daysAgo(200)), "types": ["TRADE", "DIVIDEND_OR_INTEREST"]])
        let displays = Set(
            everyAccount.data["transactions"]?.items.compactMap { $0["accountDisplay"]?.stringValue } ?? [])
        #expect(displays.count == 2)
        #expect(!world.leaks(list.allText + one.allText + everyAccount.allText))
    }

    @Test("getQuotes and getQuoteBySymbolId return the sandbox's quotes with the fields asked for")
    func quotes() async throws {
        let world = try await ToolsWorld()
        let tools = world.tools()
        let result = try await tools.call(
            "getQuotes", ["symbols": ["AAPL", "MSFT"], "fields": ["quote", "reference"]])
        #expect(Set(result.data.keys) == ["AAPL", "MSFT"])
        #expect(result.data["AAPL"]?["quote"]?["lastPrice"]?.doubleValue != nil)
        #expect(result.data["AAPL"]?["reference"] != nil)
        #expect(result.data["AAPL"]?["fundamental"] == nil)
        let direct = try await world.schwab("/marketdata/v1/quotes?symbols=AAPL&fields=reference")
        #expect(result.data["AAPL"]?["reference"] == direct["AAPL"]?["reference"])
        let index = try await tools.call("getQuoteBySymbolId", ["symbol_id": "$SPX"])
        #expect(index.data["$SPX"]?["quote"] != nil, "\(index.allText.prefix(300))")
    }

    @Test("searchInstruments and getInstrumentByCusip find the same instrument")
    func instruments() async throws {
        let world = try await ToolsWorld()
        let tools = world.tools()
        let search = try await tools.call("searchInstruments", ["symbol": "AAPL", "projection": "symbol-search"])
        let first = try #require(search.data["instruments"]?.items.first)
        #expect(first["symbol"]?.stringValue == "AAPL")
        let cusip = try #require(first["cusip"]?.stringValue)
        let byCusip = try await tools.call("getInstrumentByCusip", ["cusip_id": .string(cusip)])
        #expect(byCusip.data["symbol"]?.stringValue == "AAPL", "\(byCusip.allText.prefix(300))")
    }

    @Test("getMarketHours, getMarketHoursByMarketId and getMovers forward their parameters")
    func marketInfo() async throws {
        let world = try await ToolsWorld()
        let tools = world.tools()
        let hours = try await tools.call("getMarketHours", ["markets": ["equity", "option", "equity"]])
        #expect(Set(hours.data.keys) == ["equity", "option"], "\(hours.allText.prefix(300))")
        let direct = try await world.schwab("/marketdata/v1/markets/equity")
        let date = try #require(direct["equity"]?.items.first?["date"]?.stringValue ?? firstDate(direct))
        let one = try await tools.call("getMarketHoursByMarketId", ["market_id": "equity", "date": .string(date)])
        #expect(one.data.keys == ["equity"])
        let movers = try await tools.call("getMovers", ["symbol_id": "$SPX", "sort": "VOLUME", "frequency": 5])
        let volumes = movers.data["screeners"]?.items.compactMap { $0["totalVolume"]?.doubleValue } ?? []
        #expect(!volumes.isEmpty)
        #expect(volumes == volumes.sorted(by: >))
        let bad = try await tools.call("getMovers", ["symbol_id": "$SPX", "frequency": 7])
        #expect(bad.isError)
        #expect(bad.text.hasPrefix("frequency:"))
    }

    private func firstDate(_ hours: JSONValue) -> String? {
        guard case .object(let products)? = hours["equity"] else { return nil }
        return products.first?.1["date"]?.stringValue
    }

    @Test("getOptionChain forwards every parameter; getOptionExpirationChain lists expirations")
    func optionChain() async throws {
        let world = try await ToolsWorld()
        let tools = world.tools()
        let expirations = try await tools.call("getOptionExpirationChain", ["symbol": "SPY"])
        let list = expirations.data["expirationList"]?.items ?? []
        #expect(!list.isEmpty)
        let days = list.compactMap { ($0["expirationDate"] ?? $0["expiration"])?.stringValue }
        let from = try #require(days.dropFirst().first)
        let to = try #require(days.dropFirst(3).first)
        let chain = try await tools.call(
            "getOptionChain",
            [
                "symbol": "SPY", "contractType": "PUT", "strikeCount": 4, "includeUnderlyingQuote": true,
                "strategy": "VERTICAL", "interval": 5, "range": "ALL", "fromDate": .string(from),
                "toDate": .string(to), "volatility": 20, "underlyingPrice": 500, "interestRate": 4,
                "daysToExpiration": 30, "expMonth": "ALL", "optionType": "ALL", "entitlement": "NP",
            ])
        #expect(!chain.isError, "\(chain.text)")
        #expect(chain.data["strategy"]?.stringValue == "VERTICAL")
        #expect(chain.data["interval"]?.doubleValue == 5)
        #expect(chain.data["underlying"]?["symbol"]?.stringValue == "SPY")
        #expect(chain.data["callExpDateMap"]?.keys.isEmpty == true)
        let expiries = chain.data["putExpDateMap"]?.keys ?? []
        #expect(!expiries.isEmpty)
        #expect(expiries.allSatisfy { String($0.prefix(10)) >= from && String($0.prefix(10)) <= to })
        for expiry in expiries {
            #expect((chain.data["putExpDateMap"]?[expiry]?.keys.count ?? 0) <= 4)
        }
        let calls = try await tools.call("getOptionChain", ["symbol": "SPY", "contractType": "CALL", "strikeCount": 2])
        #expect(calls.data["putExpDateMap"]?.keys.isEmpty == true)
        #expect(calls.data["underlying"] == nil)
    }

    @Test("getPriceHistory forwards every parameter, extended hours and previous close included")
    func priceHistory() async throws {
        let world = try await ToolsWorld()
        let tools = world.tools()
        let common: [(String, JSONValue)] = [
            ("symbol", "AAPL"), ("periodType", "day"), ("period", 2), ("frequencyType", "minute"), ("frequency", 30),
        ]
        let regular = try await tools.call("getPriceHistory", .object(common))
        let extended = try await tools.call(
            "getPriceHistory", .object(common + [("needExtendedHoursData", true), ("needPreviousClose", true)]))
        #expect(!regular.isError, "\(regular.text)")
        let regularCount = regular.data["candles"]?.items.count ?? 0
        let extendedCount = extended.data["candles"]?.items.count ?? 0
        #expect(regularCount > 0)
        #expect(extendedCount > regularCount)
        #expect(regular.data["previousClose"] == nil)
        #expect(extended.data["previousClose"]?.doubleValue != nil)
        let times = regular.data["candles"]?.items.compactMap { $0["datetime"]?.intValue } ?? []
        let start = try #require(times.dropFirst(2).first)
        let end = try #require(times.dropLast(2).last)
        let window = try await tools.call(
            "getPriceHistory",
            .object(common + [("startDate", .int(start)), ("endDate", .int(end))]))
        let inside = window.data["candles"]?.items.compactMap { $0["datetime"]?.intValue } ?? []
        #expect(!inside.isEmpty)
        #expect(inside.allSatisfy { $0 >= start && $0 <= end })
        let bad = try await tools.call("getPriceHistory", ["symbol": "AAPL", "periodType": "month", "period": 5])
        #expect(bad.isError)
        #expect(bad.text.hasPrefix("period:"))
    }

    @Test(
        "invalid input is refused naming the field",
        arguments: [
            ("getQuotes", ["symbols": 5] as JSONValue, "symbols"),
            ("getQuotes", ["symbols": " , "] as JSONValue, "symbols"),
            ("getOptionChain", ["symbol": "SPY", "contractType": "BOTH"] as JSONValue, "contractType"),
            ("getAccount", ["accountNumber": "Individual", "fields": "balances"] as JSONValue, "fields"),
            ("getOrder", ["accountNumber": "Individual"] as JSONValue, "orderId"),
            ("getMarketHours", ["markets": ["equity"], "date": "tomorrow"] as JSONValue, "date"),
            ("getPriceHistory", ["symbol": "AAPL", "candles": 5] as JSONValue, "candles"),
            ("getOrders", ["fromEnteredTime": "last week"] as JSONValue, "fromEnteredTime"),
        ])
    func invalidInput(tool: String, arguments: JSONValue, field: String) async throws {
        let world = try await ToolsWorld()
        let result = try await world.tools().call(tool, arguments)
        #expect(result.isError)
        #expect(result.text.contains(field))
    }
}

/// The UTC date `days` ago, yyyy-MM-dd.
func daysAgo(_ days: Int) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withFullDate]
    return formatter.string(from: Date().addingTimeInterval(-Double(days) * 86_400))
}

extension ToolsWorld {
    /// Whether `text` holds any of the user's account numbers or hashes (any case).
    func leaks(_ text: String) -> Bool {
        let lower = text.lowercased()
        return accounts.contains { lower.contains($0.number) || lower.contains($0.hash.lowercased()) }
    }
}
