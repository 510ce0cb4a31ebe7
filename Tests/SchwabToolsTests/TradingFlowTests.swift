import EdgeCore
import EdgeKV
import Foundation
import MCP
import TestSupport
import Testing

@testable import SchwabTools

/// The order tools against the real sandbox and KV service: confirmation by elicitation and by
/// previewed id, limits, cancel and replace, and the audit log (issue 8, "Safe trading").
@Suite("Trading against the sandbox", .realWorld, .serialized)
struct TradingFlowTests {
    static let accept = TradingWorld.Asker(["action": "accept", "content": ["confirm": true]])

    static func order(
        _ world: TradingWorld, quantity: Int = 3, price: Double = 100, symbol: String = "MSFT",
        assetType: String = "EQUITY", instruction: String = "BUY", extra: [(String, JSONValue)] = []
    ) -> JSONValue {
        .object(
            [
                ("accountNumber", .string(world.display)), ("orderStrategyType", "SINGLE"), ("session", "NORMAL"),
                ("duration", "DAY"), ("orderType", "LIMIT"), ("price", .double(price)),
                (
                    "orderLegCollection",
                    [
                        [
                            "instruction": .string(instruction), "quantity": .int(quantity),
                            "instrument": ["symbol": .string(symbol), "assetType": .string(assetType)],
                        ]
                    ]
                ),
            ] + extra)
    }

    static func with(_ json: JSONValue, _ extra: (String, JSONValue)) -> JSONValue {
        guard case .object(var members) = json else { return json }
        members.removeAll { $0.0 == extra.0 }
        members.append(extra)
        return .object(members)
    }

    static func events(_ world: TradingWorld) async throws -> [String] {
        try await AuditLog(kv: world.kv.client, namespace: "OAUTH_KV").list(user: TradingWorld.user, limit: 1000)
            .map { "\($0.tool):\($0.event.rawValue)" }
    }

    @Test("elicitation accept places exactly the summarised order")
    func elicitationAcceptPlaces() async throws {
        let world = try await TradingWorld()
        let asker = TradingWorld.Asker(["action": "accept", "content": ["confirm": true]])
        let result = try await world.call("placeOrder", Self.order(world), asker: asker)
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
            try await Self.events(world) == [
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
        let result = try await world.call("placeOrder", Self.order(world), asker: asker)
        #expect(!result.isError)
        #expect(asker.asked.count == 1)
        #expect(result.structuredContent?["status"]?.stringValue == "declined")
        #expect(result.text.contains("Nothing was sent to Schwab"))
        #expect(try await world.newOrders().isEmpty)
        #expect(try await Self.events(world) == ["placeOrder:confirmation_requested", "placeOrder:declined"])
    }

    @Test("without elicitation: preview gives an id that places exactly that order, once")
    func previewThenConfirm() async throws {
        let world = try await TradingWorld()
        let order = Self.order(world)
        let bare = try await world.call("placeOrder", order)
        #expect(bare.isError)
        #expect(bare.text.contains("call placeOrder again"), "\(bare.text)")

        let preview = try await world.call("previewOrder", order)
        #expect(!preview.isError, "\(preview.text)")
        #expect(preview.structuredContent?["summary"]?["text"]?.stringValue?.contains("BUY 3 MSFT") == true)
        let id = try #require(preview.structuredContent?["confirmationId"]?.stringValue)

        let altered = try await world.call(
            "placeOrder", Self.with(Self.order(world, quantity: 4), ("confirmationId", .string(id))))
        #expect(altered.isError)
        #expect(altered.text.contains("not the one previewed"), "\(altered.text)")
        let repriced = try await world.call(
            "placeOrder", Self.with(Self.order(world, price: 101), ("confirmationId", .string(id))))
        #expect(repriced.text.contains("not the one previewed"))
        #expect(try await world.newOrders().isEmpty)

        let placed = try await world.call("placeOrder", Self.with(order, ("confirmationId", .string(id))))
        #expect(!placed.isError, "\(placed.text)")
        let orderId = try #require(placed.structuredContent?["orderId"]?.stringValue)
        #expect(try await world.orderAtSandbox(orderId)["orderLegCollection"]?[0]?["quantity"]?.doubleValue == 3)

        let again = try await world.call("placeOrder", Self.with(order, ("confirmationId", .string(id))))
        #expect(again.isError)
        #expect(again.text.contains("already used"), "\(again.text)")
        let unknown = try await world.call(
            "placeOrder", Self.with(order, ("confirmationId", .string(String(repeating: "a", count: 32)))))
        #expect(unknown.text.contains("unknown or has expired"))
        #expect(try await world.newOrders().count == 1)
        #expect(world.leaks(preview.text + placed.text + altered.text).isEmpty)
    }

    @Test("a preview Schwab refuses issues no confirmation id; a preview Schwab cannot answer still summarises")
    func previewRefusedBySchwab() async throws {
        let world = try await TradingWorld()
        let refused = try await world.call("previewOrder", Self.order(world, symbol: "NOSUCHSYM"))
        #expect(refused.isError)
        #expect(refused.text.contains("Schwab refuses this order"), "\(refused.text)")
        #expect(refused.text.contains("No confirmation id was issued"))
        #expect(refused.structuredContent?["confirmationId"] == nil)
        _ = try await TradingWorld.curl(
            world.port, "POST", "/admin/faults", token: TradingWorld.adminToken,
            json: "{\"pathPattern\":\"/trader/v1/accounts/*/previewOrder\",\"status\":503}")
        let degraded = try await world.call("previewOrder", Self.order(world))
        #expect(!degraded.isError, "\(degraded.text)")
        #expect(degraded.structuredContent?["confirmationId"]?.stringValue?.count == 32)
        let note = degraded.structuredContent?["schwabValidation"]?["unavailable"]?.stringValue ?? ""
        #expect(note.contains("unavailable"))
        #expect(try await Self.events(world) == ["previewOrder:refused_invalid", "previewOrder:previewed"])
    }

    @Test("four concurrent placeOrder calls with one confirmation id place one order")
    func concurrentReuse() async throws {
        let world = try await TradingWorld()
        let order = Self.order(world)
        let preview = try await world.call("previewOrder", order)
        let id = try #require(preview.structuredContent?["confirmationId"]?.stringValue)
        let withId = Self.with(order, ("confirmationId", .string(id)))
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
        let order = Self.order(world)
        let preview = try await world.call("previewOrder", order)
        let id = try #require(preview.structuredContent?["confirmationId"]?.stringValue)
        world.advance(seconds: 601)
        let late = try await world.call("placeOrder", Self.with(order, ("confirmationId", .string(id))))
        #expect(late.isError)
        #expect(late.text.contains("expired"), "\(late.text)")
        #expect(try await world.newOrders().isEmpty)
    }

    @Test("operator limits refuse before anyone is asked, naming the limit")
    func limitsEnforced() async throws {
        let world = try await TradingWorld(
            settings: TradingSettings(enabled: true, maxQuantity: 5, maxNotional: 1000, allowedAssetTypes: ["EQUITY"]))
        let asker = TradingWorld.Asker(["action": "accept", "content": ["confirm": true]])
        let tooMany = try await world.call("placeOrder", Self.order(world, quantity: 6, price: 1), asker: asker)
        #expect(tooMany.isError)
        #expect(tooMany.text.contains("MAX_ORDER_QUANTITY"))
        let tooDear = try await world.call("placeOrder", Self.order(world, quantity: 5, price: 250), asker: asker)
        #expect(tooDear.text.contains("MAX_ORDER_NOTIONAL"))
        let option = try await world.call(
            "previewOrder",
            Self.order(
                world, quantity: 1, price: 1, symbol: "SPY   270115C00550000", assetType: "OPTION",
                instruction: "BUY_TO_OPEN"))
        #expect(option.isError)
        #expect(option.text.contains("ALLOWED_ASSET_TYPES"))
        #expect(asker.asked.isEmpty)
        let within = try await world.call("placeOrder", Self.order(world, quantity: 5, price: 200), asker: asker)
        #expect(!within.isError, "\(within.text)")
        #expect(try await world.newOrders().count == 1)
        #expect(
            try await Self.events(world) == [
                "placeOrder:refused_by_limits", "placeOrder:refused_by_limits", "previewOrder:refused_by_limits",
                "placeOrder:confirmation_requested", "placeOrder:confirmed", "placeOrder:placed",
            ])
    }

    @Test("replace and cancel are confirmed and reach the sandbox")
    func replaceAndCancel() async throws {
        let world = try await TradingWorld()
        let placed = try await world.call("placeOrder", Self.order(world), asker: Self.accept)
        let first = try #require(placed.structuredContent?["orderId"]?.stringValue)

        let asker = TradingWorld.Asker(["action": "accept", "content": ["confirm": true]])
        let replaced = try await world.call(
            "replaceOrder", Self.with(Self.order(world, price: 90), ("orderId", .string(first))), asker: asker)
        #expect(!replaced.isError, "\(replaced.text)")
        #expect((asker.asked.first ?? "").contains("Replace order \(first) in account \(world.display) with:"))
        let second = try #require(replaced.structuredContent?["orderId"]?.stringValue)
        #expect(second != first)
        #expect(try await world.orderAtSandbox(second)["price"]?.doubleValue == 90)
        #expect(try await world.orderAtSandbox(first)["status"]?.stringValue != "WORKING")

        let declined = try await world.call(
            "cancelOrder", ["accountNumber": .string(world.display), "orderId": .string(second)],
            asker: TradingWorld.Asker(["action": "decline"]))
        #expect(declined.structuredContent?["status"]?.stringValue == "declined")
        let statusBefore = try await world.orderAtSandbox(second)["status"]?.stringValue
        #expect(statusBefore != "CANCELED")

        let cancelAsker = TradingWorld.Asker(["action": "accept", "content": ["confirm": true]])
        let cancelled = try await world.call(
            "cancelOrder", ["accountNumber": .string(world.display), "orderId": .string(second)], asker: cancelAsker)
        #expect(!cancelled.isError, "\(cancelled.text)")
        #expect((cancelAsker.asked.first ?? "").contains("Cancel order \(second)"))
        #expect((cancelAsker.asked.first ?? "").contains("BUY 3 MSFT"))
        #expect(try await world.orderAtSandbox(second)["status"]?.stringValue == "CANCELED")

        // Without elicitation a cancel needs a previewed id for that very order.
        let previewCancel = try await world.call(
            "previewOrder", ["accountNumber": .string(world.display), "action": "cancel", "orderId": .string(first)])
        #expect(previewCancel.structuredContent?["confirmationId"] != nil, "\(previewCancel.text)")
        let wrongAction = try await world.call(
            "cancelOrder",
            [
                "accountNumber": .string(world.display), "orderId": .string(second),
                "confirmationId": previewCancel.structuredContent?["confirmationId"] ?? .null,
            ])
        #expect(wrongAction.text.contains("not the one previewed"))
    }

    @Test("an unknown account is refused listing the display names, and Schwab's refusal is reported, not retried")
    func refusals() async throws {
        let world = try await TradingWorld()
        let unknown = try await world.call(
            "placeOrder", Self.with(Self.order(world), ("accountNumber", "Nope ...000")), asker: Self.accept)
        #expect(unknown.isError)
        #expect(unknown.text.contains(world.display), "\(unknown.text)")
        let bad = try await world.call("placeOrder", Self.order(world, symbol: "NOSUCHSYM"), asker: Self.accept)
        #expect(bad.isError)
        #expect(bad.text.contains("Schwab did not accept it"), "\(bad.text)")
        #expect(bad.text.contains("not retried"))
        #expect(world.leaks(unknown.text + bad.text).isEmpty)
        let events = try await Self.events(world)
        #expect(events.last == "placeOrder:schwab_error")
        #expect(events.first == "placeOrder:refused_invalid")
    }

    @Test("a 503 on placing is reported and never retried: no order appears")
    func serverErrorNotRetried() async throws {
        let world = try await TradingWorld()
        let fault = try await TradingWorld.curl(
            world.port, "POST", "/admin/faults", token: TradingWorld.adminToken,
            json: "{\"pathPattern\":\"/trader/v1/accounts/*/orders\",\"method\":\"POST\",\"status\":503,\"count\":1}")
        #expect(fault.status == 200 || fault.status == 201, "\(fault.text)")
        let result = try await world.call("placeOrder", Self.order(world), asker: Self.accept)
        #expect(result.isError)
        #expect(result.text.contains("not retried"), "\(result.text)")
        #expect(try await world.newOrders().isEmpty)
        #expect(
            try await Self.events(world) == [
                "placeOrder:confirmation_requested", "placeOrder:confirmed", "placeOrder:schwab_error",
            ])
    }

    @Test("the audit log holds every step in order, and schwab-mcp audit prints it without account numbers")
    func auditCommand() async throws {
        let world = try await TradingWorld(settings: TradingSettings(enabled: true, maxQuantity: 50))
        let order = Self.order(world)
        let preview = try await world.call("previewOrder", order)
        let id = try #require(preview.structuredContent?["confirmationId"]?.stringValue)
        let placed = try await world.call("placeOrder", Self.with(order, ("confirmationId", .string(id))))
        let orderId = try #require(placed.structuredContent?["orderId"]?.stringValue)
        _ = try await world.call("placeOrder", Self.order(world, quantity: 60), asker: Self.accept)
        _ = try await world.call("placeOrder", Self.order(world), asker: TradingWorld.Asker(["action": "decline"]))
        let expected = [
            "previewOrder:previewed", "placeOrder:confirmed", "placeOrder:placed", "placeOrder:refused_by_limits",
            "placeOrder:confirmation_requested", "placeOrder:declined",
        ]
        #expect(try await Self.events(world) == expected)

        let config = world.folder.appendingPathComponent("wrangler.toml")
        try "name = \"audit-test\"\n".write(to: config, atomically: true, encoding: .utf8)
        let base = ["audit", "--config", config.path, "--socket", world.kv.socketPath, "--user", TradingWorld.user]
        let text = try await TestSupport.run(TestSupport.binary.path, base)
        #expect(text.status == 0, "\(text.error)")
        let lines = text.output.split(separator: "\n")
        #expect(lines.count == expected.count)
        for (line, step) in zip(lines, expected) {
            let parts = step.split(separator: ":")
            #expect(line.contains(" \(parts[0]) \(parts[1])"), "\(line)")
            #expect(line.contains("account=\(world.display)"))
        }
        #expect(lines[2].contains("order=\(orderId)"))
        #expect(lines[2].contains("BUY 3 MSFT (EQUITY)"))
        #expect(world.leaks(text.output).isEmpty)

        let json = try await TestSupport.run(TestSupport.binary.path, base + ["--json", "--limit", "2"])
        let entries = try JSONValue.parse(json.output).arrayValue ?? []
        #expect(entries.map { $0["event"]?.stringValue ?? "" } == ["confirmation_requested", "declined"])
        #expect(entries.allSatisfy { $0["user"]?.stringValue == TradingWorld.user && $0["time"] != nil })
        #expect(world.leaks(json.output).isEmpty)

        let stored = try await world.kv.client.list(namespace: "OAUTH_KV", prefix: "", limit: 1000, cursor: nil)
        for key in stored.keys {
            let value = try await world.kv.client.get(namespace: "OAUTH_KV", key: key.name)
            let text = key.name + String(decoding: value?.value ?? [], as: UTF8.self)
            #expect(world.leaks(text) == [])
        }
    }
}
