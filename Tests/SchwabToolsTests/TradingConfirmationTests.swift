import EdgeCore
import EdgeKV
import Foundation
import MCP
import TestSupport
import Testing

@testable import SchwabTools

/// Confirmation against the real sandbox and KV service: by elicitation (accept places exactly
/// the summarised order, decline nothing) and by previewed id (expiry, alteration, reuse).
@Suite("Trading confirmation against the sandbox", .realWorld, .serialized)
struct TradingConfirmationTests {
    @Test("elicitation accept places exactly the summarised order")
    func elicitationAcceptPlaces() async throws {
        let world = try await TradingWorld()
        let asker = TradingWorld.Asker(["action": "accept", "content": ["confirm": true]])
        let result = try await world.call("placeOrder", TradingWorld.order(world), asker: asker)
        #expect(!result.isError, "\(result.text)")
        let question = try #require(asker.asked.first)
        #expect(question.contains("Place this order in account \(world.display):"))
        #expect(question.contains("BUY 3 MSFT (EQUITY)"))
        #expect(question.contains("LIMIT at $100.00, DAY, NORMAL session"))
        #expect(question.contains("Estimated cost: $300.00"))
        let orderId = try #require(result.structuredContent?["orderId"]?.stringValue)
        let placed = try await world.orderAtSandbox(orderId)
        #expect(placed["orderType"]?.stringValue == "LIMIT")
        #expect(placed["price"]?.doubleValue == 100)
        #expect(placed["duration"]?.stringValue == "DAY")
        let leg = placed["orderLegCollection"]?[0]
        #expect(leg?["instruction"]?.stringValue == "BUY")
        #expect(leg?["quantity"]?.doubleValue == 3)
        #expect(leg?["instrument"]?["symbol"]?.stringValue == "MSFT")
        #expect(try await world.newOrders().count == 1)
        #expect(world.leaks(result.text + question).isEmpty)
        #expect(
            try await TradingWorld.events(world) == [
                "placeOrder:confirmation_requested", "placeOrder:confirmed", "placeOrder:placed",
            ])
    }

    @Test(
        "decline, dismissal or an unticked box places nothing and says so",
        arguments: [
            ["action": "decline"] as JSONValue, ["action": "cancel"],
            ["action": "accept", "content": ["confirm": false]],
        ])
    func declinePlacesNothing(answer: JSONValue) async throws {
        let world = try await TradingWorld()
        let asker = TradingWorld.Asker(answer)
        let result = try await world.call("placeOrder", TradingWorld.order(world), asker: asker)
        #expect(!result.isError)
        #expect(asker.asked.count == 1)
        #expect(result.structuredContent?["status"]?.stringValue == "declined")
        #expect(result.text.contains("Nothing was sent to Schwab"))
        #expect(try await world.newOrders().isEmpty)
        #expect(try await TradingWorld.events(world) == ["placeOrder:confirmation_requested", "placeOrder:declined"])
    }

    @Test("without elicitation: preview gives an id that places exactly that order, once")
    func previewThenConfirm() async throws {
        let world = try await TradingWorld()
        let order = TradingWorld.order(world)
        let bare = try await world.call("placeOrder", order)
        #expect(bare.isError)
        #expect(bare.text.contains("call placeOrder again"), "\(bare.text)")

        let preview = try await world.call("previewOrder", order)
        #expect(!preview.isError, "\(preview.text)")
        #expect(preview.structuredContent?["summary"]?["text"]?.stringValue?.contains("BUY 3 MSFT") == true)
        let id = try #require(preview.structuredContent?["confirmationId"]?.stringValue)

        let altered = try await world.call(
            "placeOrder", TradingWorld.with(TradingWorld.order(world, quantity: 4), ("confirmationId", .string(id))))
        #expect(altered.isError)
        #expect(altered.text.contains("not the one previewed"), "\(altered.text)")
        let repriced = try await world.call(
            "placeOrder", TradingWorld.with(TradingWorld.order(world, price: 101), ("confirmationId", .string(id))))
        #expect(repriced.text.contains("not the one previewed"))
        #expect(try await world.newOrders().isEmpty)

        let placed = try await world.call("placeOrder", TradingWorld.with(order, ("confirmationId", .string(id))))
        #expect(!placed.isError, "\(placed.text)")
        let orderId = try #require(placed.structuredContent?["orderId"]?.stringValue)
        #expect(try await world.orderAtSandbox(orderId)["orderLegCollection"]?[0]?["quantity"]?.doubleValue == 3)

        let again = try await world.call("placeOrder", TradingWorld.with(order, ("confirmationId", .string(id))))
        #expect(again.isError)
        #expect(again.text.contains("already used"), "\(again.text)")
        let unknown = try await world.call(
            "placeOrder", TradingWorld.with(order, ("confirmationId", .string(String(repeating: "a", count: 32)))))
        #expect(unknown.text.contains("unknown or has expired"))
        #expect(try await world.newOrders().count == 1)
        #expect(world.leaks(preview.text + placed.text + altered.text).isEmpty)
    }

    @Test("a preview Schwab refuses issues no confirmation id; a preview Schwab cannot answer still summarises")
    func previewRefusedBySchwab() async throws {
        let world = try await TradingWorld()
        let refused = try await world.call("previewOrder", TradingWorld.order(world, symbol: "NOSUCHSYM"))
        #expect(refused.isError)
        #expect(refused.text.contains("Schwab refuses this order"), "\(refused.text)")
        #expect(refused.text.contains("No confirmation id was issued"))
        #expect(refused.structuredContent?["confirmationId"] == nil)
        _ = try await TradingWorld.curl(
            world.port, "POST", "/admin/faults", token: TradingWorld.adminToken,
            json: "{\"pathPattern\":\"/trader/v1/accounts/*/previewOrder\",\"status\":503}")
        let degraded = try await world.call("previewOrder", TradingWorld.order(world))
        #expect(!degraded.isError, "\(degraded.text)")
        #expect(degraded.structuredContent?["confirmationId"]?.stringValue?.count == 32)
        let note = degraded.structuredContent?["schwabValidation"]?["unavailable"]?.stringValue ?? ""
        #expect(note.contains("unavailable"))
        #expect(try await TradingWorld.events(world) == ["previewOrder:refused_invalid", "previewOrder:previewed"])
    }

    @Test("four concurrent placeOrder calls with one confirmation id place one order")
    func concurrentReuse() async throws {
        let world = try await TradingWorld()
        let order = TradingWorld.order(world)
        let preview = try await world.call("previewOrder", order)
        let id = try #require(preview.structuredContent?["confirmationId"]?.stringValue)
        let withId = TradingWorld.with(order, ("confirmationId", .string(id)))
        let results = try await withThrowingTaskGroup(of: ToolResult.self) { group in
            for _ in 0..<4 { group.addTask { try await world.call("placeOrder", withId) } }
            return try await group.reduce(into: [ToolResult]()) { $0.append($1) }
        }
        #expect(results.filter { !$0.isError }.count == 1)
        #expect(results.filter { $0.text.contains("already used") }.count == 3)
        #expect(try await world.newOrders().count == 1)
    }

    @Test("an expired confirmation id is refused and places nothing")
    func expiredConfirmation() async throws {
        let world = try await TradingWorld()
        let order = TradingWorld.order(world)
        let preview = try await world.call("previewOrder", order)
        let id = try #require(preview.structuredContent?["confirmationId"]?.stringValue)
        world.advance(seconds: 601)
        let late = try await world.call("placeOrder", TradingWorld.with(order, ("confirmationId", .string(id))))
        #expect(late.isError)
        #expect(late.text.contains("expired"), "\(late.text)")
        #expect(try await world.newOrders().isEmpty)
    }
}
