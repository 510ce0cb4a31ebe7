import EdgeCore

/// One line of the trading audit log: what happened to an order, for whom, when, and how it ended.
///
/// Holds the account's display name only (`Individual ...123`), never its number or hash, so the
/// log can be printed by `schwab-mcp audit` and shown to an operator as is.
public struct AuditEntry: Sendable, Equatable {
    /// The steps an order goes through.
    public enum Event: String, Sendable, CaseIterable {
        /// previewOrder summarised an order (and issued a confirmation id).
        case previewed
        /// The user was asked to confirm (elicitation).
        case confirmationRequested = "confirmation_requested"
        /// The user confirmed, by elicitation or with a previewed confirmation id.
        case confirmed
        /// The user said no, or dismissed the question.
        case declined
        /// Schwab accepted a new order.
        case placed
        /// Schwab accepted a replacement order.
        case replaced
        /// Schwab cancelled an order.
        case cancelled
        /// An operator limit refused the order.
        case refusedByLimits = "refused_by_limits"
        /// A missing, unknown, expired, used or mismatched confirmation refused it.
        case refusedConfirmation = "refused_confirmation"
        /// The order was incomplete or the account unknown.
        case refusedInvalid = "refused_invalid"
        /// Schwab answered with an error (the order may not exist; it is never retried blindly).
        case schwabError = "schwab_error"
    }

    /// Seconds since the Unix epoch.
    public var time: Double
    /// The user (the object id: Schwab user id, OAuth client id or "local").
    public var user: String
    /// The tool that acted (previewOrder, placeOrder, replaceOrder, cancelOrder).
    public var tool: String
    /// The step.
    public var event: Event
    /// The account's display name, when known.
    public var account: String?
    /// The order summary (OrderSummary.json), when there is one.
    public var summary: JSONValue?
    /// The order id Schwab gave or the tool acted on.
    public var orderId: String?
    /// Details in words (a refusal's reason, Schwab's error).
    public var detail: String?

    /// An entry from its parts.
    public init(
        time: Double, user: String, tool: String, event: Event, account: String? = nil, summary: JSONValue? = nil,
        orderId: String? = nil, detail: String? = nil
    ) {
        self.time = time
        self.user = user
        self.tool = tool
        self.event = event
        self.account = account
        self.summary = summary
        self.orderId = orderId
        self.detail = detail
    }

    /// The entry as stored and as `schwab-mcp audit --json` prints it.
    public var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("time", .string(Self.isoTime(time))), ("epochSeconds", .double(time)), ("user", .string(user)),
            ("tool", .string(tool)), ("event", .string(event.rawValue)),
        ]
        if let account { members.append(("account", .string(account))) }
        if let orderId { members.append(("orderId", .string(orderId))) }
        if let detail { members.append(("detail", .string(detail))) }
        if let summary { members.append(("summary", summary)) }
        return .object(members)
    }

    /// An entry read back from its JSON; nil when it is not one.
    public init?(json: JSONValue) {
        guard let time = json["epochSeconds"]?.doubleValue, let user = json["user"]?.stringValue,
            let tool = json["tool"]?.stringValue, let event = json["event"]?.stringValue.flatMap(Event.init)
        else { return nil }
        self.init(
            time: time, user: user, tool: tool, event: event, account: json["account"]?.stringValue,
            summary: json["summary"], orderId: json["orderId"]?.stringValue, detail: json["detail"]?.stringValue)
    }

    /// One line for people: time, user, tool, event, account, order id, the summary's first facts.
    public var line: String {
        var parts = [Self.isoTime(time), user, tool, event.rawValue]
        if let account { parts.append("account=\(account)") }
        if let orderId { parts.append("order=\(orderId)") }
        if let text = summary?["text"]?.stringValue {
            let facts = text.split(separator: "\n").dropFirst().map { $0.trimmingPrefix(while: { $0 == " " }) }
            parts.append("[" + facts.joined(separator: "; ") + "]")
        }
        if let detail { parts.append("- " + detail) }
        return parts.joined(separator: " ")
    }

    /// `2026-11-26T16:05:09.123Z` (RFC 3339, UTC).
    public static func isoTime(_ seconds: Double) -> String { CivilTime.iso8601(epochSeconds: seconds) }
}
