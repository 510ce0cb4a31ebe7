import EdgeCore
import EdgeHTTP

extension SandboxResponder {
    /// The Trader API under `/trader/v1` ([T] paths), accounts addressed by hash.
    mutating func addTraderRoutes() {
        let state = self.state
        let base = "/trader/v1"
        add(.get, base + "/accounts/accountNumbers", .trader) { request throws(SandboxError) in
            let user = try state.user(of: request)
            return SandboxResponder.json(
                TraderJSON.accountNumbers(user))
        }
        add(.get, base + "/accounts", .trader) { request throws(SandboxError) in
            let user = try state.user(of: request)
            let positions = try SandboxResponder.wantsPositions(request)
            let view = state.snapshot()
            return SandboxResponder.json(.array(user.accounts.map { view.account($0.number, positions: positions) }))
        }
        add(.get, base + "/accounts/:hash", .trader) { request throws(SandboxError) in
            let (_, number) = try state.account(of: request)
            let positions = try SandboxResponder.wantsPositions(request)
            return SandboxResponder.json(state.snapshot().account(number, positions: positions))
        }
        add(.get, base + "/userPreference", .trader) { request throws(SandboxError) in
            let user = try state.user(of: request)
            return SandboxResponder.json(
                TraderJSON.userPreference(user))
        }
        add(.get, base + "/accounts/:hash/transactions", .trader) { request throws(SandboxError) in
            let (_, number) = try state.account(of: request)
            let query = SandboxResponder.query(request)
            let (start, end) = try SandboxResponder.range(query, "startDate", "endDate", maxDays: 366)
            let types = try SandboxResponder.transactionTypes(query)
            let symbol = query["symbol"]
            let view = state.snapshot()
            // Times compare at the whole second a transaction shows, as orders' enteredTime does.
            let items = (view.brokerage.ledgers[number]?.transactions ?? []).filter {
                (start...end).contains($0.time.rounded(.down)) && types.contains($0.type)
                    && (symbol == nil || $0.symbol == symbol)
            }
            return SandboxResponder.json(.array(items.suffix(3000).map { view.transaction($0, account: number) }))
        }
        add(.get, base + "/accounts/:hash/transactions/:transactionId", .trader) { request throws(SandboxError) in
            let (_, number) = try state.account(of: request)
            guard let id = Int64(request.parameters["transactionId"] ?? "") else {
                throw SandboxError.badRequest("transactionId must be a whole number")
            }
            let view = state.snapshot()
            guard let item = view.brokerage.ledgers[number]?.transactions.first(where: { $0.id == id }) else {
                throw SandboxError.notFound("Transaction \(id) was not found in this account")
            }
            return SandboxResponder.json(view.transaction(item, account: number))
        }
        addOrderRoutes(base: base)
    }

    static func wantsPositions(_ request: HTTPRequest) throws(SandboxError) -> Bool {
        guard let fields = query(request)["fields"] else { return false }
        guard fields == "positions" else {
            throw SandboxError.badRequest("fields '\(fields)' is not supported; the only value is 'positions'")
        }
        return true
    }

    /// Two required ISO-8601 timestamps no more than `maxDays` apart.
    static func range(
        _ query: SandboxQuery, _ from: String, _ to: String, maxDays: Double
    ) throws(SandboxError) -> (
        Double, Double
    ) {
        func parse(_ name: String) throws(SandboxError) -> Double {
            guard let text = query[name] else {
                throw SandboxError.badRequest("\(name) is required, in the form yyyy-MM-dd'T'HH:mm:ss.SSSZ")
            }
            guard let value = SandboxDates.parseTimestamp(text) else {
                throw SandboxError.badRequest(
                    "\(name) '\(text)' is not a valid ISO-8601 date-time such as 2024-03-29T00:00:00.000Z")
            }
            return value
        }
        let start = try parse(from)
        let end = try parse(to)
        guard start <= end else { throw SandboxError.badRequest("\(from) must be before \(to)") }
        guard end - start <= maxDays * 86_400 else {
            throw SandboxError.badRequest("The range from \(from) to \(to) must not exceed one year")
        }
        return (start, end)
    }

    static let transactionTypeNames: Set<String> = [
        "TRADE", "RECEIVE_AND_DELIVER", "DIVIDEND_OR_INTEREST", "ACH_RECEIPT", "ACH_DISBURSEMENT", "CASH_RECEIPT",
        "CASH_DISBURSEMENT", "ELECTRONIC_FUND", "WIRE_OUT", "WIRE_IN", "JOURNAL", "MEMORANDUM", "MARGIN_CALL",
        "MONEY_MARKET", "SMA_ADJUSTMENT",
    ]

    /// `types`: required; one TransactionType or a comma-joined list (as schwab-py sends).
    static func transactionTypes(_ query: SandboxQuery) throws(SandboxError) -> Set<String> {
        guard let text = query["types"], !text.isEmpty else {
            throw SandboxError.badRequest("types is required, e.g. TRADE")
        }
        var set: Set<String> = []
        for part in text.split(separator: ",") {
            let name = String(part)
            guard transactionTypeNames.contains(name) else {
                throw SandboxError.badRequest(
                    "types '\(name)' is not one of \(transactionTypeNames.sorted().joined(separator: ", "))")
            }
            set.insert(name)
        }
        return set
    }
}

extension SandboxState {
    /// The demo user of the request's Bearer token, or 401.
    func user(of request: HTTPRequest) throws(SandboxError) -> DemoUser {
        guard let header = request.headers["Authorization"], header.count > 7,
            header.prefix(7).lowercased() == "bearer "
        else {
            throw SandboxError(
                code: "unauthorized", status: 401,
                message: "Missing Authorization header: send 'Authorization: Bearer <access token>'")
        }
        guard let user = self.user(accessToken: String(header.dropFirst(7))) else { throw SandboxError.unauthorized }
        return user
    }

    /// The user and the plain account number addressed by the `:hash` path segment.
    func account(of request: HTTPRequest) throws(SandboxError) -> (DemoUser, String) {
        let user = try self.user(of: request)
        let hash = request.parameters["hash"] ?? ""
        let number = try brokerage.withLock { brokerage throws(SandboxError) in
            try brokerage.accountNumber(forHash: hash, of: user)
        }
        return (user, number)
    }

    /// A renderer over the books, advanced to now so that every due fill has happened.
    func snapshot() -> TraderJSON {
        let now = clock.now()
        let books = brokerage.withLock { brokerage in
            brokerage.advance(to: now)
            return brokerage
        }
        return TraderJSON(brokerage: books, now: now)
    }
}
