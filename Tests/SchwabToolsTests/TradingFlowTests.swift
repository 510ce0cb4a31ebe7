import EdgeCore
import EdgeKV
import Foundation
import MCP
import Schwab
import SchwabAuth
import Synchronization
import TestSupport
import Testing

@testable import SchwabTools

/// The order tools against the real sandbox and KV service: limits, cancel and replace,
/// Schwab's refusals, and the audit log (issue 8, "Safe trading").
@Suite("Trading against the sandbox", .realWorld, .serialized)
struct TradingFlowTests {
    @Test("operator limits refuse before anyone is asked, naming the limit")
    func limitsEnforced() async throws {
        let world = try await TradingWorld(
            settings: TradingSettings(enabled: true, maxQuantity: 5, maxNotional: 1000, allowedAssetTypes: ["EQUITY"]))
        let asker = TradingWorld.Asker(["action": "accept", "content": ["confirm": true]])
        let tooMany = try await world.call("placeOrder", TradingWorld.order(world, quantity: 6, price: 1), asker: asker)
        #expect(tooMany.isError)
        #expect(tooMany.text.contains("MAX_ORDER_QUANTITY"))
        let tooDear = try await world.call(
            "placeOrder", TradingWorld.order(world, quantity: 5, price: 250), asker: asker)
        #expect(tooDear.text.contains("MAX_ORDER_NOTIONAL"))
        let option = try await world.call(
            "previewOrder",
            TradingWorld.order(
                world, quantity: 1, price: 1, symbol: "SPY   270115C00550000", assetType: "OPTION",
                instruction: "BUY_TO_OPEN"))
        #expect(option.isError)
        #expect(option.text.contains("ALLOWED_ASSET_TYPES"))
        #expect(asker.asked.isEmpty)
        let within = try await world.call(
            "placeOrder", TradingWorld.order(world, quantity: 5, price: 200), asker: asker)
        #expect(!within.isError, "\(within.text)")
        #expect(try await world.newOrders().count == 1)
        #expect(
            try await TradingWorld.events(world) == [
                "placeOrder:refused_by_limits", "placeOrder:refused_by_limits", "previewOrder:refused_by_limits",
                "placeOrder:confirmation_requested", "placeOrder:confirmed", "placeOrder:placed",
            ])
    }

    @Test("replace and cancel are confirmed and reach the sandbox")
    func replaceAndCancel() async throws {
        let world = try await TradingWorld()
        let placed = try await world.call("placeOrder", TradingWorld.order(world), asker: TradingWorld.accept)
        let first = try #require(placed.structuredContent?["orderId"]?.stringValue)

        let asker = TradingWorld.Asker(["action": "accept", "content": ["confirm": true]])
        let replaced = try await world.call(
            "replaceOrder", TradingWorld.with(TradingWorld.order(world, price: 90), ("orderId", .string(first))),
            asker: asker)
        #expect(!replaced.isError, "\(replaced.text)")
        #expect(
            (asker.asked.first ?? "").contains(
                "Replace order \(first) in account \(world.display):\n  Now:\n    BUY 3 MSFT (EQUITY)\n    Type: LIMIT at $100.00, DAY, NORMAL session\n  With:\n    BUY 3 MSFT (EQUITY)\n    Type: LIMIT at $90.00"
            ))
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
            "placeOrder", TradingWorld.with(TradingWorld.order(world), ("accountNumber", "Nope ...000")),
            asker: TradingWorld.accept)
        #expect(unknown.isError)
        #expect(unknown.text.contains(world.display), "\(unknown.text)")
        let bad = try await world.call(
            "placeOrder", TradingWorld.order(world, symbol: "NOSUCHSYM"), asker: TradingWorld.accept)
        #expect(bad.isError)
        #expect(bad.text.contains("Schwab did not accept it"), "\(bad.text)")
        #expect(bad.text.contains("not retried"))
        #expect(world.leaks(unknown.text + bad.text).isEmpty)
        let events = try await TradingWorld.events(world)
        #expect(events.last == "placeOrder:schwab_error")
        #expect(events.first == "placeOrder:refused_invalid")
    }

    @Test("a dead Schwab sign-in stops the order with the sign-in message and asks the host to revoke grants")
    func deadSignIn() async throws {
        let world = try await TradingWorld()
        let message = "Your Schwab sign-in has expired (Schwab allows 7 days). Sign in again."
        let client = SchwabClient(
            apiBase: "http://127.0.0.1:\(world.port)", upstream: world.upstream,
            tokens: SchwabAccessTokens(
                current: { () throws(AuthError) in throw AuthError(.tokenRefresh, message) },
                replacing: { _ throws(AuthError) in throw AuthError(.tokenRefresh, message) }),
            logger: world.env.logger)
        let revoked = Atomic<Int>(0)
        let env = SchwabToolEnvironment(
            client: client, accounts: AccountDirectory(client: client), userKey: TradingWorld.user,
            kv: world.kv.client, trading: TradingSettings(enabled: true), logger: world.env.logger,
            onSignInExpired: { revoked.add(1, ordering: .relaxed) })
        let result = try await world.call(
            "placeOrder", TradingWorld.order(world), asker: TradingWorld.accept, in: TradingTools.tools(env))
        #expect(result.isError)
        #expect(result.text == message)
        #expect(revoked.load(ordering: .relaxed) == 1)
        #expect(try await world.newOrders().isEmpty)
    }

    @Test("a 503 on placing is reported and never retried: no order appears")
    func serverErrorNotRetried() async throws {
        let world = try await TradingWorld()
        let fault = try await TradingWorld.curl(
            world.port, "POST", "/admin/faults", token: TradingWorld.adminToken,
            json: "{\"pathPattern\":\"/trader/v1/accounts/*/orders\",\"method\":\"POST\",\"status\":503,\"count\":1}")
        #expect(fault.status == 200 || fault.status == 201, "\(fault.text)")
        let result = try await world.call("placeOrder", TradingWorld.order(world), asker: TradingWorld.accept)
        #expect(result.isError)
        #expect(result.text.contains("not retried"), "\(result.text)")
        #expect(try await world.newOrders().isEmpty)
        #expect(
            try await TradingWorld.events(world) == [
                "placeOrder:confirmation_requested", "placeOrder:confirmed", "placeOrder:schwab_error",
            ])
    }

    @Test("the audit log holds every step in order, and schwab-mcp audit prints it without account numbers")
    func auditCommand() async throws {
        let world = try await TradingWorld(settings: TradingSettings(enabled: true, maxQuantity: 50))
        let order = TradingWorld.order(world)
        let preview = try await world.call("previewOrder", order)
        let id = try #require(preview.structuredContent?["confirmationId"]?.stringValue)
        let placed = try await world.call("placeOrder", TradingWorld.with(order, ("confirmationId", .string(id))))
        let orderId = try #require(placed.structuredContent?["orderId"]?.stringValue)
        _ = try await world.call("placeOrder", TradingWorld.order(world, quantity: 60), asker: TradingWorld.accept)
        _ = try await world.call(
            "placeOrder", TradingWorld.order(world), asker: TradingWorld.Asker(["action": "decline"]))
        let expected = [
            "previewOrder:previewed", "placeOrder:confirmed", "placeOrder:placed", "placeOrder:refused_by_limits",
            "placeOrder:confirmation_requested", "placeOrder:declined",
        ]
        #expect(try await TradingWorld.events(world) == expected)

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
