import EdgeCore
import Foundation
import MCP
import SchwabTools
import TestSupport
import Testing

/// What must never happen: an account number or hash in a tool result or a log line, a dead
/// sign-in answered with anything but plain words, stale trader data.
@Suite("Tool safety against the sandbox", .realWorld, .serialized)
struct ToolSafetyTests {
    @Test("no tool result and no log line holds an account number or hash")
    func noAccountIdentifiers() async throws {
        let world = try await ToolsWorld()
        let tools = world.tools()
        let display = "Individual ...\(world.accounts[0].number.suffix(3))"
        var results: [ToolResult] = []
        func call(_ name: String, _ arguments: JSONValue = .object([])) async throws -> ToolResult {
            let result = try await tools.call(name, arguments)
            results.append(result)
            return result
        }
        _ = try await call("status")
        _ = try await call("getAccounts", ["fields": "positions"])
        _ = try await call("getAccount", ["accountNumber": .string(display), "fields": "positions"])
        _ = try await call("getAccountNumbers")
        _ = try await call("getUserPreference")
        let orders = try await call("getOrders")
        let order = orders.data["orders"]?.items.first
        _ = try await call("getOrdersByAccountNumber", ["accountNumber": .string(display)])
        if let id = order?["orderId"], let owner = order?["accountDisplay"] {
            _ = try await call("getOrder", ["accountNumber": owner, "orderId": id])
        }
        let transactions = try await call("getTransactions", ["startDate": .string(daysAgo(200))])
        if let id = transactions.data["transactions"]?.items.first?["activityId"],
            let owner = transactions.data["transactions"]?.items.first?["accountDisplay"]
        {
            _ = try await call("getTransaction", ["accountNumber": owner, "transactionId": id])
        }
        _ = try await call("getQuotes", ["symbols": ["AAPL", "NOPE"]])
        _ = try await call("getQuoteBySymbolId", ["symbol_id": "MSFT"])
        _ = try await call("searchInstruments", ["symbol": "Apple", "projection": "desc-search"])
        _ = try await call("getInstrumentByCusip", ["cusip_id": "037833100"])
        _ = try await call("getMarketHours", ["markets": ["equity", "bond"]])
        _ = try await call("getMarketHoursByMarketId", ["market_id": "option"])
        _ = try await call("getMovers", ["symbol_id": "NASDAQ"])
        _ = try await call("getOptionChain", ["symbol": "AAPL", "strikeCount": 2])
        _ = try await call("getOptionExpirationChain", ["symbol": "AAPL"])
        _ = try await call("getPriceHistory", ["symbol": "AAPL"])
        // Failures too: an unknown account, a missing order and transaction, a Schwab error.
        _ = try await call("getAccount", ["accountNumber": "Savings"])
        _ = try await call("getOrder", ["accountNumber": .string(display), "orderId": 424_242])
        _ = try await call("getTransaction", ["accountNumber": .string(display), "transactionId": 424_242])
        _ = try await world.admin(
            "POST", "/admin/faults", json: #"{"pathPattern": "/trader/v1/accounts/*", "status": 400, "count": 1}"#)
        let fault = try await call("getAccount", ["accountNumber": .string(display)])
        #expect(fault.isError)

        #expect(results.count >= 24)
        #expect(results.filter(\.isError).count >= 4)
        for result in results {
            #expect(!world.leaks(result.allText), "\(result.allText.prefix(400))")
        }
        let logs = world.logs.all
        #expect(!logs.isEmpty)
        for line in logs + [world.kv.logText] {
            #expect(!world.leaks(line), "\(line)")
        }
    }

    @Test("a Schwab failure is an isError result with the mapped kind, status and correlation id")
    func schwabErrors() async throws {
        let world = try await ToolsWorld()
        _ = try await world.admin(
            "POST", "/admin/faults", json: #"{"pathPattern": "/marketdata/v1/movers/*", "status": 404}"#)
        let result = try await world.tools().call("getMovers", ["symbol_id": "$DJI"])
        #expect(result.isError)
        let facts = try JSONValue.parse(result.content.last?["text"]?.stringValue ?? "")["error"]
        #expect(facts?["code"]?.stringValue == "not_found")
        #expect(facts?["status"]?.intValue == 404)
        #expect(facts?["correlationId"]?.stringValue?.isEmpty == false)
        #expect(world.signInExpiredCalls == 0)
    }

    @Test("a dead Schwab sign-in gives plain words and tells the host, once per call")
    func deadSignIn() async throws {
        let world = try await ToolsWorld()
        let tools = world.tools()
        #expect(try await tools.call("getAccountNumbers").isError == false)
        _ = try await world.admin("POST", "/admin/expire-tokens", json: #"{"keepRefreshTokens": false}"#)
        let result = try await tools.call("getQuotes", ["symbols": ["AAPL"]])
        #expect(result.isError)
        #expect(result.text.lowercased().contains("sign in again"), "\(result.text)")
        #expect(!result.text.contains("{"))
        #expect(world.signInExpiredCalls == 1)
        let status = try await tools.call("status")
        #expect(status.data["extra"]?["schwab"]?["signedIn"] == false)
    }

    @Test("an expired access token is refreshed and the call succeeds")
    func refreshed() async throws {
        let world = try await ToolsWorld()
        _ = try await world.admin("POST", "/admin/expire-tokens", json: #"{"keepRefreshTokens": true}"#)
        let result = try await world.tools().call("getAccounts")
        #expect(!result.isError, "\(result.text)")
        #expect(world.tokenManager.refreshes == 1)
        #expect(world.signInExpiredCalls == 0)
    }

    @Test("status reports sign-in, accounts by display name, the cache and trading")
    func status() async throws {
        let world = try await ToolsWorld()
        let tools = world.tools()
        _ = try await tools.call("getQuotes", ["symbols": ["AAPL"]])
        _ = try await tools.call("getQuotes", ["symbols": ["AAPL"]])
        let status = try await tools.call("status")
        let schwab = status.data["extra"]?["schwab"]
        #expect(schwab?["signedIn"] == true)
        #expect(
            schwab?["accounts"]
                == [
                    .string("Individual ...\(world.accounts[0].number.suffix(3))"),
                    .string("Roth IRA ...\(world.accounts[1].number.suffix(3))"),
                ])
        #expect((schwab?["cache"]?["hits"]?.intValue ?? 0) >= 1)
        #expect(schwab?["tradingEnabled"] == false)
        #expect(!world.leaks(status.allText))
    }

    @Test("trader data is never cached: an order placed at Schwab shows in the next listing")
    func freshness() async throws {
        let world = try await ToolsWorld()
        let tools = world.tools()
        let display = "Individual ...\(world.accounts[0].number.suffix(3))"
        let before = try await tools.call("getOrdersByAccountNumber", ["accountNumber": .string(display)])
        let count = before.data["orders"]?.items.count ?? 0
        let order = #"""
            {"session":"NORMAL","duration":"DAY","orderType":"LIMIT","price":1.00,"orderStrategyType":"SINGLE",
             "orderLegCollection":[{"instruction":"BUY","quantity":1,"instrument":{"symbol":"KO","assetType":"EQUITY"}}]}
            """#
        _ = try await ToolsWorld.curl(
            "POST", world.base + "/trader/v1/accounts/\(world.accounts[0].hash)/orders", token: world.accessToken,
            json: order)
        let after = try await tools.call("getOrdersByAccountNumber", ["accountNumber": .string(display)])
        #expect((after.data["orders"]?.items.count ?? 0) == count + 1)
    }
}
