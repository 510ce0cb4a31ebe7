import EdgeCore
import EdgeHTTP

extension SandboxResponder {
    static let orderStatuses = [
        "AWAITING_PARENT_ORDER", "AWAITING_CONDITION", "AWAITING_STOP_CONDITION", "AWAITING_MANUAL_REVIEW", "ACCEPTED",
        "AWAITING_UR_OUT", "PENDING_ACTIVATION", "QUEUED", "WORKING", "REJECTED", "PENDING_CANCEL", "CANCELED",
        "PENDING_REPLACE", "REPLACED", "FILLED", "EXPIRED", "NEW", "AWAITING_RELEASE_TIME", "PENDING_ACKNOWLEDGEMENT",
        "PENDING_RECALL", "UNKNOWN",
    ]

    /// Orders: list, place (201 + Location), get, cancel, replace, preview, and the all-accounts list.
    mutating func addOrderRoutes(base: String) {
        let state = self.state
        add(.get, base + "/accounts/:hash/orders", .trader) { request throws(SandboxError) in
            let (_, number) = try state.account(of: request)
            return try SandboxResponder.listOrders(request, accounts: [number], state: state, maxAgeDays: nil)
        }
        add(.get, base + "/orders", .trader) { request throws(SandboxError) in
            let user = try state.user(of: request)
            return try SandboxResponder.listOrders(
                request, accounts: user.accounts.map(\.number), state: state, maxAgeDays: 60)
        }
        add(.post, base + "/accounts/:hash/orders", .trader) { request throws(SandboxError) in
            let (user, number) = try state.account(of: request)
            try SandboxResponder.throttle(number, state: state)
            let now = state.clock.now()
            let ticket = try OrderTicket.parse(try JSONInput.parse(request.body), now: now)
            let id = try state.brokerage.withLock { books throws(SandboxError) in
                try books.place(ticket, account: number, now: now)
            }
            return SandboxResponder.created(request, user: user, number: number, orderId: id)
        }
        add(.get, base + "/accounts/:hash/orders/:orderId", .trader) { request throws(SandboxError) in
            let (_, number) = try state.account(of: request)
            let id = try SandboxResponder.orderId(request)
            let view = state.snapshot()
            return SandboxResponder.json(view.order(try view.brokerage.order(id, account: number)))
        }
        add(.delete, base + "/accounts/:hash/orders/:orderId", .trader) { request throws(SandboxError) in
            let (_, number) = try state.account(of: request)
            let id = try SandboxResponder.orderId(request)
            try SandboxResponder.throttle(number, state: state)
            let now = state.clock.now()
            try state.brokerage.withLock { books throws(SandboxError) in try books.cancel(id, account: number, now: now)
            }
            return HTTPResponse(status: .ok)
        }
        add(.put, base + "/accounts/:hash/orders/:orderId", .trader) { request throws(SandboxError) in
            let (user, number) = try state.account(of: request)
            let id = try SandboxResponder.orderId(request)
            try SandboxResponder.throttle(number, state: state)
            let now = state.clock.now()
            let ticket = try OrderTicket.parse(try JSONInput.parse(request.body), now: now)
            let newId = try state.brokerage.withLock { books throws(SandboxError) in
                try books.replace(id, account: number, with: ticket, now: now)
            }
            return SandboxResponder.created(request, user: user, number: number, orderId: newId)
        }
        add(.post, base + "/accounts/:hash/previewOrder", .trader) { request throws(SandboxError) in
            let (_, number) = try state.account(of: request)
            let now = state.clock.now()
            let ticket = try OrderTicket.parse(try JSONInput.parse(request.body), now: now)
            var trial = state.brokerage.withLock { books in
                books.advance(to: now)
                return books
            }
            var rejects: [String] = []
            do throws(SandboxError) {
                _ = try trial.place(ticket, account: number, now: now)
            } catch {
                rejects = error.details.isEmpty ? [error.message] : error.details
            }
            let view = TraderJSON(brokerage: trial, now: now)
            return SandboxResponder.json(view.preview(ticket, account: number, rejects: rejects))
        }
    }

    /// 201 with the new order's URL in `Location`, absolute as Schwab's
    /// (`https://api.schwabapi.com/trader/v1/accounts/{hash}/orders/{id}`, the form schwab-py's
    /// `Utils.extract_order_id` matches): on the host the client addressed (`Host`), in the scheme
    /// it used, which is https when a TLS-terminating proxy in front says so in
    /// `X-Forwarded-Proto`, else the sandbox's own plain http.
    static func created(_ request: HTTPRequest, user: DemoUser, number: String, orderId: Int64) -> HTTPResponse {
        let hash = user.accounts.first { $0.number == number }?.hash ?? ""
        let host = request.headers["Host"] ?? "127.0.0.1"
        let scheme = request.headers["X-Forwarded-Proto"]?.lowercased() == "https" ? "https" : "http"
        var response = HTTPResponse(status: .created)
        response.headers.set("Location", "\(scheme)://\(host)/trader/v1/accounts/\(hash)/orders/\(orderId)")
        return response
    }

    static func orderId(_ request: HTTPRequest) throws(SandboxError) -> Int64 {
        guard let id = Int64(request.parameters["orderId"] ?? ""), id > 0 else {
            throw SandboxError.badRequest(
                "orderId must be a whole number, received '\(request.parameters["orderId"] ?? "")'")
        }
        return id
    }

    /// Counts an order request against the account's 120-per-minute budget; 429 past it.
    static func throttle(_ account: String, state: SandboxState) throws(SandboxError) {
        let now = state.clock.now()
        let admitted = state.limiter.withLock { $0.admit(account: account, now: now) }
        guard admitted else {
            throw SandboxError(
                code: "rate_limited", status: 429,
                message: "Order request limit reached: at most \(state.configuration.orderRequestsPerMinute) "
                    + "order requests per minute per account; wait and retry")
        }
    }

    static func listOrders(
        _ request: HTTPRequest, accounts: [String], state: SandboxState, maxAgeDays: Double?
    )
        throws(SandboxError) -> HTTPResponse
    {
        let query = query(request)
        let (from, to) = try range(query, "fromEnteredTime", "toEnteredTime", maxDays: 366)
        let now = state.clock.now()
        if let maxAgeDays, from < now - maxAgeDays * 86_400 - 86_400 {
            throw SandboxError.badRequest("fromEnteredTime must be within the last \(Int(maxAgeDays)) days")
        }
        let maxResults = try query.int("maxResults") ?? 3000
        guard maxResults > 0 else { throw SandboxError.badRequest("maxResults must be greater than zero") }
        let status = try query.oneOf("status", orderStatuses)
        let view = state.snapshot()
        var found: [SandboxOrder] = []
        for account in accounts {
            for id in view.brokerage.ledgers[account]?.orderIds ?? [] {
                // Compared at the whole second `enteredTime` shows, so an order placed during the
                // second a client names as toEnteredTime (schwab-py's default: now) is in the list.
                guard let order = view.brokerage.orders[id], (from...to).contains(order.enteredTime.rounded(.down)),
                    status == nil || order.status == status
                else { continue }
                found.append(order)
            }
        }
        found.sort { $0.enteredTime == $1.enteredTime ? $0.id > $1.id : $0.enteredTime > $1.enteredTime }
        return json(.array(found.prefix(maxResults).map { view.order($0) }))
    }
}
