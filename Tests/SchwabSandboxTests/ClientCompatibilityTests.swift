import EdgeCore
import EdgeHTTP
import Testing

@testable import SchwabSandbox

/// Requests as popular clients (schwab-py) send them, answered as Schwab answers them: the
/// responder called directly with a frozen clock, a token minted in the store.
@Suite("What popular clients send")
struct ClientCompatibilityTests {
    /// A Tuesday, market open, with a fraction of a second that timestamps on the wire drop.
    static let now = SandboxDates.epoch(year: 2025, month: 3, day: 4, hour: 18) + 0.75

    struct World {
        let responder: SandboxResponder
        let token: String
        let hash: String

        init() throws {
            let state = SandboxState(
                configuration: SandboxConfiguration(), clock: SandboxClock(fixedBase: ClientCompatibilityTests.now))
            let user = try #require(state.users.first)
            let tokens = try state.oauth.withLock { store in
                let code = store.issueCode(
                    clientId: "sandbox-app", redirectURI: "http://127.0.0.1/cb", login: user.login, challenge: nil,
                    method: nil, now: ClientCompatibilityTests.now)
                return try store.exchange(
                    code: code, clientId: "sandbox-app", redirectURI: "http://127.0.0.1/cb", verifier: nil,
                    now: ClientCompatibilityTests.now)
            }
            responder = SandboxResponder(state: state)
            token = tokens.accessToken
            hash = user.accounts[0].hash
        }

        func send(
            _ method: HTTPMethod, _ target: String, body: String = "", headers: [(String, String)] = []
        ) async -> (status: Int, headers: HTTPHeaders, json: JSONValue?) {
            var fields: HTTPHeaders = ["Host": "api.schwabapi.com", "Authorization": "Bearer \(token)"]
            for (name, value) in headers { fields.add(name, value) }
            let request = HTTPRequest(
                head: HTTPRequestHead(method: method, target: target, headers: fields), body: Array(body.utf8))
            let response = await responder.respond(to: request).response() ?? HTTPResponse(status: .badGateway)
            guard case .bytes(let bytes) = response.body, !bytes.isEmpty else {
                return (response.status.code, response.headers, nil)
            }
            return (response.status.code, response.headers, try? JSONValue.parse(bytes))
        }
    }

    static let limitOrder = """
        {"orderType": "LIMIT", "session": "NORMAL", "duration": "DAY", "orderStrategyType": "SINGLE", "price": "1.00",
         "orderLegCollection": [{"instruction": "BUY", "quantity": 1,
                                 "instrument": {"symbol": "AAPL", "assetType": "EQUITY"}}]}
        """

    @Test("a real CUSIP finds its instrument: 037833100 is AAPL, 78462F103 is SPY")
    func realCusips() async throws {
        let world = try World()
        for (cusip, symbol) in [("037833100", "AAPL"), ("78462F103", "SPY"), ("594918104", "MSFT")] {
            let answer = await world.send(.get, "/marketdata/v1/instruments/\(cusip)")
            #expect(answer.status == 200)
            #expect(answer.json?["symbol"]?.stringValue == symbol && answer.json?["cusip"]?.stringValue == cusip)
        }
        let quote = await world.send(.get, "/marketdata/v1/quotes?symbols=AAPL&fields=reference")
        #expect(quote.json?["AAPL"]?["reference"]?["cusip"]?.stringValue == "037833100")
        #expect(await world.send(.get, "/marketdata/v1/instruments/037833101").status == 404)
    }

    @Test(
        "Location is absolute on the host addressed, https when a TLS-terminating proxy says so",
        arguments: [([(String, String)](), "http"), ([("X-Forwarded-Proto", "https")], "https")])
    func location(headers: [(String, String)], scheme: String) async throws {
        let world = try World()
        let placed = await world.send(
            .post, "/trader/v1/accounts/\(world.hash)/orders", body: Self.limitOrder, headers: headers)
        #expect(placed.status == 201)
        let location = try #require(placed.headers["Location"])
        let prefix = "\(scheme)://api.schwabapi.com/trader/v1/accounts/\(world.hash)/orders/"
        #expect(location.hasPrefix(prefix) && Int64(location.dropFirst(prefix.count)) != nil, "\(location)")
    }

    @Test("an order placed during the second a client names as toEnteredTime is listed, for one account and all")
    func listedWithinTheSecond() async throws {
        let world = try World()
        let placed = await world.send(.post, "/trader/v1/accounts/\(world.hash)/orders", body: Self.limitOrder)
        let id = try #require(placed.headers["Location"]?.split(separator: "/").last.flatMap { Int($0) })
        // schwab-py's default window: 60 days back to now, at whole seconds.
        let to = String(SandboxDates.isoMillis(Self.now).dropLast(5)) + "Z"
        let from = String(SandboxDates.isoMillis(Self.now - 60 * 86_400).dropLast(5)) + "Z"
        let span = "fromEnteredTime=\(from)&toEnteredTime=\(to)"
        for path in ["/trader/v1/accounts/\(world.hash)/orders?\(span)", "/trader/v1/orders?\(span)&status=WORKING"] {
            let listed = await world.send(.get, path)
            #expect(listed.status == 200)
            let ids = (listed.json?.arrayValue ?? []).compactMap { $0["orderId"]?.intValue }
            #expect(ids.contains(id), "\(path)")
        }
    }
}
