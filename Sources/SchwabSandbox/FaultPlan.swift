import EdgeCore

/// One injected fault: which requests it hits, what happens to them, and how many times.
struct FaultRule: Sendable, Equatable {
    /// A glob over the request path (`*` matches any run of characters, `/` included).
    let pathPattern: String
    /// Only this method, or every method when nil.
    let method: String?
    /// Answer with this status (Schwab's error body for the path's API family).
    let status: Int?
    /// Wait this long before answering (with `status`, or normally).
    let latencyMs: Int?
    /// Close the connection without an answer instead.
    var drop: Bool = false
    /// How many more requests it applies to; nil for every request until cleared.
    var remaining: Int?

    /// Parses the admin endpoint's JSON: `{"pathPattern", "status"?, "latencyMs"?, "count"?, "method"?}`.
    static func parse(_ json: JSONValue) throws(SandboxError) -> FaultRule {
        guard case .object = json else { throw .badRequest("A fault rule must be a JSON object") }
        guard let pattern = json["pathPattern"]?.stringValue, pattern.hasPrefix("/") else {
            throw .badRequest("pathPattern is required and must start with '/', e.g. \"/trader/v1/accounts*\"")
        }
        var drop = false
        if let value = json["drop"] {
            guard case .bool(let flag) = value, flag, json["status"] == nil, json["latencyMs"] == nil else {
                throw .badRequest("drop must be true, and alone: a dropped connection has no status and no delay")
            }
            drop = true
        }
        var status: Int?
        if let value = json["status"] {
            guard case .int(let code) = value, [400, 401, 403, 404, 429, 500, 502, 503, 504].contains(code) else {
                throw .badRequest("status must be one of 400, 401, 403, 404, 429, 500, 502, 503, 504")
            }
            status = code
        }
        var latency: Int?
        if let value = json["latencyMs"] {
            guard case .int(let ms) = value, (0...60_000).contains(ms) else {
                throw .badRequest("latencyMs must be a whole number from 0 to 60000")
            }
            latency = ms
        }
        guard status != nil || latency != nil || drop else {
            throw .badRequest("a fault rule needs status, latencyMs or drop")
        }
        var count: Int?
        if let value = json["count"] {
            guard case .int(let n) = value, n > 0 else { throw .badRequest("count must be a whole number above 0") }
            count = n
        }
        let method = json["method"]?.stringValue?.uppercased()
        return FaultRule(
            pathPattern: pattern, method: method, status: status, latencyMs: latency, drop: drop, remaining: count)
    }

    /// The rule as the admin endpoint lists it.
    var json: JSONValue {
        var members: [(String, JSONValue)] = [("pathPattern", .string(pathPattern))]
        if let method { members.append(("method", .string(method))) }
        if let status { members.append(("status", .int(status))) }
        if let latencyMs { members.append(("latencyMs", .int(latencyMs))) }
        if drop { members.append(("drop", .bool(true))) }
        members.append(("remaining", remaining.map { .int($0) } ?? .null))
        return .object(members)
    }

    /// Glob match of `path` against `pattern`.
    static func matches(_ pattern: Substring, _ path: Substring) -> Bool {
        guard let star = pattern.firstIndex(of: "*") else { return pattern == path }
        let head = pattern[..<star]
        guard path.hasPrefix(head) else { return false }
        let restPattern = pattern[pattern.index(after: star)...]
        var rest = path.dropFirst(head.count)
        while true {
            if matches(restPattern, rest) { return true }
            if rest.isEmpty { return false }
            rest = rest.dropFirst()
        }
    }
}

/// The active fault rules, first match wins; counted rules disappear when used up.
struct FaultPlan: Sendable {
    /// Rules in the order they were added.
    private(set) var rules: [FaultRule] = []

    /// No faults.
    init() {}

    /// Adds a rule.
    mutating func add(_ rule: FaultRule) { rules.append(rule) }

    /// Removes every rule.
    mutating func clear() { rules.removeAll() }

    /// The rule that applies to this request, consuming one use of it.
    mutating func take(method: String, path: Substring) -> FaultRule? {
        guard !rules.isEmpty,
            let index = rules.firstIndex(where: {
                ($0.method == nil || $0.method == method) && FaultRule.matches($0.pathPattern[...], path)
            })
        else { return nil }
        let rule = rules[index]
        if let remaining = rule.remaining {
            if remaining <= 1 { rules.remove(at: index) } else { rules[index].remaining = remaining - 1 }
        }
        return rule
    }
}
