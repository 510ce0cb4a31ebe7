import Foundation
import TestSupport
import Testing

/// The real binary over real HTTP: the order lifecycle, the throttle, refusals, correlation ids.
@Suite("Sandbox over HTTP", .serialized)
struct SandboxHTTPTests {
    static func limitOrder(
        _ instruction: String, _ quantity: Int, _ symbol: String, price: Double, type: String = "LIMIT"
    )
        -> String
    {
        """
        {"session":"NORMAL","duration":"GOOD_TILL_CANCEL","orderType":"\(type)","price":\(price),\
        "orderStrategyType":"SINGLE","orderLegCollection":[{"instruction":"\(instruction)","quantity":\(quantity),\
        "instrument":{"symbol":"\(symbol)","assetType":"EQUITY"}}]}
        """
    }

    static func marketOrder(_ instruction: String, _ quantity: Int, _ symbol: String) -> String {
        """
        {"session":"NORMAL","duration":"DAY","orderType":"MARKET","orderStrategyType":"SINGLE",\
        "orderLegCollection":[{"instruction":"\(instruction)","quantity":\(quantity),\
        "instrument":{"symbol":"\(symbol)","assetType":"EQUITY"}}]}
        """
    }

    func longQuantity(
        _ sandbox: SandboxProcess, _ token: String, _ hash: String, _ symbol: String
    ) async throws -> Double {
        let account = try await sandbox.request("GET", "/trader/v1/accounts/\(hash)?fields=positions", token: token)
        let positions = (account.object["securitiesAccount"] as? [String: Any])?["positions"] as? [[String: Any]] ?? []
        let match = positions.first { ($0["instrument"] as? [String: Any])?["symbol"] as? String == symbol }
        return match?["longQuantity"] as? Double ?? 0
    }

    func orderStatus(_ sandbox: SandboxProcess, _ token: String, _ location: String?) async throws -> (String, String) {
        let id = String(location?.split(separator: "/").last ?? "")
        let path = location.map { String($0[$0.range(of: "/trader/")!.lowerBound...]) } ?? ""
        let order = try await sandbox.request("GET", path, token: token)
        return (id, order.object["status"] as? String ?? "missing")
    }

    @Test("place, see it working, see it fill, positions change, cancel and replace behave")
    func orderLifecycle() async throws {
        // A frozen start makes the price path, and so the limit fill below, the same on every run.
        let sandbox = try await SandboxProcess.launch(["--seed", "11", "--frozen-clock", "1795788000"])
        var token = try await sandbox.accessToken()
        let numbers = try await sandbox.request("GET", "/trader/v1/accounts/accountNumbers", token: token).array
        let hash = try #require(numbers.first?["hashValue"] as? String)
        let base = "/trader/v1/accounts/\(hash)/orders"

        // A market order fills at once and adds to the position.
        let msftBefore = try await longQuantity(sandbox, token, hash, "MSFT")
        let market = try await sandbox.request("POST", base, token: token, json: Self.marketOrder("BUY", 5, "MSFT"))
        #expect(market.status == 201 && market.body.isEmpty && market.headers["schwab-client-correlid"] != nil)
        #expect(try await orderStatus(sandbox, token, market.headers["location"]).1 == "FILLED")
        #expect(try await longQuantity(sandbox, token, hash, "MSFT") == msftBefore + 5)

        // A limit just under the ask works, then fills once the moving quote crosses it.
        let quotes = try await sandbox.request("GET", "/marketdata/v1/quotes?symbols=AAPL&fields=quote", token: token)
            .object
        let ask = try #require(((quotes["AAPL"] as? [String: Any])?["quote"] as? [String: Any])?["askPrice"] as? Double)
        let aaplBefore = try await longQuantity(sandbox, token, hash, "AAPL")
        let limit = (ask * 100 - 5).rounded() / 100
        let placed = try await sandbox.request(
            "POST", base, token: token, json: Self.limitOrder("BUY", 3, "AAPL", price: limit))
        #expect(placed.status == 201)
        #expect(try await orderStatus(sandbox, token, placed.headers["location"]).1 == "WORKING")
        var status = "WORKING"
        var steps = 0
        while status == "WORKING" && steps < 48 {
            try await sandbox.advanceClock(seconds: 600)
            // An access token lives 30 sandbox minutes, as Schwab's do; log in again as time passes.
            token = try await sandbox.accessToken()
            status = try await orderStatus(sandbox, token, placed.headers["location"]).1
            steps += 1
        }
        #expect(status == "FILLED")
        #expect(try await longQuantity(sandbox, token, hash, "AAPL") == aaplBefore + 3)

        // Cancel: 200 with an empty body, then CANCELED; a second cancel is refused.
        let far = try await sandbox.request("POST", base, token: token, json: Self.limitOrder("BUY", 1, "KO", price: 1))
        let (farId, _) = try await orderStatus(sandbox, token, far.headers["location"])
        let cancel = try await sandbox.request("DELETE", "\(base)/\(farId)", token: token)
        #expect(cancel.status == 200 && cancel.body.isEmpty)
        #expect(try await orderStatus(sandbox, token, far.headers["location"]).1 == "CANCELED")
        #expect(try await sandbox.request("DELETE", "\(base)/\(farId)", token: token).status == 400)

        // Replace: 201 with a new id in Location; the old order REPLACED, the new one fills.
        let working = try await sandbox.request(
            "POST", base, token: token, json: Self.limitOrder("BUY", 2, "KO", price: 1))
        let (oldId, _) = try await orderStatus(sandbox, token, working.headers["location"])
        let replaced = try await sandbox.request(
            "PUT", "\(base)/\(oldId)", token: token, json: Self.limitOrder("BUY", 2, "KO", price: 1000))
        #expect(replaced.status == 201)
        let (newId, newStatus) = try await orderStatus(sandbox, token, replaced.headers["location"])
        #expect(newId != oldId && newStatus == "FILLED")
        #expect(try await orderStatus(sandbox, token, working.headers["location"]).1 == "REPLACED")

        // Refusals keep the ServiceError shape and change nothing.
        let oversell = try await sandbox.request(
            "POST", base, token: token, json: Self.marketOrder("SELL", 100_000, "MSFT"))
        #expect(oversell.status == 400 && (oversell.object["errors"] as? [String])?.isEmpty == false)
        let garbage = try await sandbox.request("POST", base, token: token, json: "{not json")
        #expect(garbage.status == 400 && garbage.object["message"] is String)
        #expect(try await longQuantity(sandbox, token, hash, "MSFT") == msftBefore + 5)
    }

    @Test("order requests past the per-account limit get 429 with a ServiceError")
    func throttle() async throws {
        // A frozen clock: the one-minute window moves only when the test moves it, never because
        // a loaded machine took a minute over the four orders.
        let sandbox = try await SandboxProcess.launch(["--order-limit", "3", "--frozen-clock", "1795788000"])
        let token = try await sandbox.accessToken(user: "blair")
        let numbers = try await sandbox.request("GET", "/trader/v1/accounts/accountNumbers", token: token).array
        let first = try #require(numbers.first?["hashValue"] as? String)
        let second = try #require(numbers.last?["hashValue"] as? String)
        let order = Self.limitOrder("BUY", 1, "KO", price: 1)
        var statuses: [Int] = []
        for _ in 0..<4 {
            statuses.append(
                try await sandbox.request("POST", "/trader/v1/accounts/\(first)/orders", token: token, json: order)
                    .status)
        }
        #expect(statuses == [201, 201, 201, 429])
        let refused = try await sandbox.request(
            "POST", "/trader/v1/accounts/\(first)/orders", token: token, json: order)
        #expect((refused.object["message"] as? String)?.contains("limit") == true)
        #expect(
            try await sandbox.request("POST", "/trader/v1/accounts/\(second)/orders", token: token, json: order).status
                == 201
        )
        try await sandbox.advanceClock(seconds: 61)
        #expect(
            try await sandbox.request("POST", "/trader/v1/accounts/\(first)/orders", token: token, json: order).status
                == 201)
    }

    @Test("the same seed gives the same accounts; another seed gives others")
    func seeds() async throws {
        func hashes(_ seed: String) async throws -> [String] {
            let sandbox = try await SandboxProcess.launch(["--seed", seed])
            let token = try await sandbox.accessToken()
            return try await sandbox.request("GET", "/trader/v1/accounts/accountNumbers", token: token).array
                .compactMap { $0["hashValue"] as? String }
        }
        let first = try await hashes("21")
        #expect(first.count == 2)
        #expect(try await hashes("21") == first)
        #expect(try await hashes("22") != first)
    }

    @Test("unknown endpoints and other users' accounts answer in Schwab's error shapes")
    func notFound() async throws {
        let sandbox = try await SandboxProcess.launch()
        let alex = try await sandbox.accessToken(user: "alex")
        let casey = try await sandbox.accessToken(user: "casey")
        let caseyHash = try #require(
            try await sandbox.request("GET", "/trader/v1/accounts/accountNumbers", token: casey).array.first?[
                "hashValue"]
                as? String)
        let foreign = try await sandbox.request("GET", "/trader/v1/accounts/\(caseyHash)", token: alex)
        #expect(foreign.status == 404 && foreign.object["message"] is String)
        let missing = try await sandbox.request("GET", "/marketdata/v1/nothing/here/at/all", token: alex)
        #expect(missing.status == 404 && missing.object["errors"] is [Any])
        let noToken = try await sandbox.request("GET", "/marketdata/v1/quotes?symbols=AAPL")
        #expect(noToken.status == 401 && noToken.headers["schwab-client-correlid"] != nil)
    }
}

@Suite("sandbox command line")
struct SandboxCommandTests {
    @Test(
        "bad flags stop the command with status 2 and say what was wrong",
        arguments: [
            (["--seed", "minus-one"], "--seed expects a whole number"),
            (["--loops", "0"], "--loops must be from 1 to 64"),
            (["--order-limit", "0"], "--order-limit must be above 0"), (["--colour", "blue"], "unexpected argument"),
        ])
    func badFlags(arguments: [String], message: String) async throws {
        let result = try await TestSupport.run(TestSupport.binary.path, ["sandbox"] + arguments)
        #expect(result.status == 2 && result.error.contains(message))
    }

    @Test("the ready line names the port and never the app secret or the admin token")
    func readyLine() async throws {
        let sandbox = try await SandboxProcess.launch(["--client-secret", "very-secret-value"])
        #expect(sandbox.port > 0)
        let log = sandbox.child.stderrText
        #expect(log.contains("\"sandbox ready\"") && !log.contains("very-secret-value"))
        #expect(!log.contains(SandboxProcess.adminToken))
    }
}
