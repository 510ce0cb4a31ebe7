import EdgeCore
import EdgeCrypto
import EdgeHTTP

extension SandboxResponder {
    /// The admin API for tests: move the clock, inject faults, expire tokens.
    ///
    /// Off (404) unless an admin token is configured; otherwise every call needs
    /// `Authorization: Bearer <admin token>` (401 without one, 403 with a wrong one).
    mutating func addAdminRoutes() {
        let state = self.state
        add(.get, "/admin/clock", .admin) { request throws(SandboxError) in
            try SandboxResponder.checkAdmin(request, state: state)
            return SandboxResponder.clockBody(state)
        }
        add(.post, "/admin/clock", .admin) { request throws(SandboxError) in
            try SandboxResponder.checkAdmin(request, state: state)
            let body = try JSONInput.parse(request.body)
            guard let seconds = body["advanceSeconds"]?.numberValue, body["advanceSeconds"]?.stringValue == nil,
                seconds >= 0, seconds <= 400 * 86_400
            else {
                throw SandboxError.badRequest(
                    "advanceSeconds must be a number from 0 to 34560000 (the clock only moves forward)")
            }
            state.clock.advance(by: seconds)
            return SandboxResponder.clockBody(state)
        }
        add(.get, "/admin/faults", .admin) { request throws(SandboxError) in
            try SandboxResponder.checkAdmin(request, state: state)
            let rules = state.faults.withLock { $0.rules }
            return SandboxResponder.json(.object([("faults", .array(rules.map(\.json)))]))
        }
        add(.post, "/admin/faults", .admin) { request throws(SandboxError) in
            try SandboxResponder.checkAdmin(request, state: state)
            let rule = try FaultRule.parse(try JSONInput.parse(request.body))
            state.faults.withLock { plan in
                plan.add(rule)
                state.hasFaults.store(true, ordering: .relaxed)
            }
            return SandboxResponder.json(rule.json, status: .created)
        }
        add(.delete, "/admin/faults", .admin) { request throws(SandboxError) in
            try SandboxResponder.checkAdmin(request, state: state)
            state.faults.withLock { plan in
                plan.clear()
                state.hasFaults.store(false, ordering: .relaxed)
            }
            return HTTPResponse(status: .noContent)
        }
        add(.post, "/admin/expire-tokens", .admin) { request throws(SandboxError) in
            try SandboxResponder.checkAdmin(request, state: state)
            var keepRefresh = false
            if !request.body.isEmpty {
                let body = try JSONInput.parse(request.body)
                if let value = body["keepRefreshTokens"] {
                    guard case .bool(let flag) = value else {
                        throw SandboxError.badRequest("keepRefreshTokens must be true or false")
                    }
                    keepRefresh = flag
                }
            }
            state.oauth.withLock { $0.expireAll(keepRefresh: keepRefresh) }
            return SandboxResponder.json(.object([("expired", true), ("refreshTokensKept", .bool(keepRefresh))]))
        }
        add(.get, "/admin/users", .admin) { request throws(SandboxError) in
            try SandboxResponder.checkAdmin(request, state: state)
            let users: [JSONValue] = state.users.map { user in
                .object([
                    ("login", .string(user.login)), ("name", .string(user.fullName)),
                    ("schwabClientCorrelId", .string(user.correlId)),
                    (
                        "accounts",
                        .array(
                            user.accounts.map {
                                .object([
                                    ("hashValue", .string($0.hash)), ("type", .string($0.type)),
                                    ("nickName", .string($0.nickName)),
                                ])
                            })
                    ),
                ])
            }
            return SandboxResponder.json(.object([("users", .array(users))]))
        }
    }

    static func clockBody(_ state: SandboxState) -> HTTPResponse {
        let now = state.clock.now()
        return json(
            .object([
                ("now", .string(SandboxDates.traderTimestamp(now))), ("epochMillis", .int(Int(now * 1000))),
                ("advancedSeconds", .double(state.clock.advancedSeconds)),
            ]))
    }

    static func checkAdmin(_ request: HTTPRequest, state: SandboxState) throws(SandboxError) {
        guard let token = state.configuration.adminToken, !token.isEmpty else {
            throw SandboxError.notFound(
                "The admin API is off: start the sandbox with --admin-token or SANDBOX_ADMIN_TOKEN")
        }
        guard let header = request.headers["Authorization"], header.lowercased().hasPrefix("bearer ") else {
            throw SandboxError(
                code: "unauthorized", status: 401, message: "Admin calls need 'Authorization: Bearer <admin token>'")
        }
        guard ConstantTime.equals(String(header.dropFirst(7)), token) else {
            throw SandboxError(code: "forbidden", status: 403, message: "The admin token is wrong")
        }
    }
}
