/// The operator's trading switches from `[vars]`: whether order tools exist at all, and the limits
/// every order must stay within.
///
/// Pure parsing, shared by `config check` (which lists every bad value with the other problems)
/// and the host (which refuses to start with a bad value rather than trade without its limits).
public struct TradingVars: Sendable, Equatable {
    /// `ENABLE_TRADING`: "true" lists the order tools; anything but "true" or "false" is refused.
    public var enabled: Bool
    /// `MAX_ORDER_QUANTITY`: most shares or contracts in one leg of one order, when set.
    public var maxQuantity: Double?
    /// `MAX_ORDER_NOTIONAL`: most estimated dollars one order may commit, when set.
    public var maxNotional: Double?
    /// `ALLOWED_ASSET_TYPES`: the instrument asset types an order may trade, when set.
    public var allowedAssetTypes: Set<String>?

    /// Switches as given.
    public init(
        enabled: Bool, maxQuantity: Double? = nil, maxNotional: Double? = nil, allowedAssetTypes: Set<String>? = nil
    ) {
        self.enabled = enabled
        self.maxQuantity = maxQuantity
        self.maxNotional = maxNotional
        self.allowedAssetTypes = allowedAssetTypes
    }

    /// The `[vars]` names read here; the environment overrides them as in `wrangler dev`.
    public static let names = ["ENABLE_TRADING", "MAX_ORDER_QUANTITY", "MAX_ORDER_NOTIONAL", "ALLOWED_ASSET_TYPES"]

    /// Schwab's `assetType` enum (Trader API components/schemas/assetType). ETFs trade as EQUITY.
    public static let assetTypes = [
        "EQUITY", "OPTION", "MUTUAL_FUND", "FIXED_INCOME", "CASH_EQUIVALENT", "INDEX", "FUTURE", "FOREX", "PRODUCT",
        "CURRENCY", "COLLECTIVE_INVESTMENT",
    ]

    /// Reads the four names from `vars` (missing or empty means "no limit"; trading defaults to off)
    /// and lists every bad value, each naming the variable and what would be right.
    public static func parse(_ vars: [String: String]) -> (TradingVars, [ConfigProblem]) {
        var problems: [ConfigProblem] = []
        var result = TradingVars(enabled: false)
        if let text = vars["ENABLE_TRADING"], !text.isEmpty {
            if text == "true" || text == "false" {
                result.enabled = text == "true"
            } else {
                problems.append(.invalid("ENABLE_TRADING", expected: "\"true\" or \"false\"", received: text))
            }
        }
        result.maxQuantity = positive("MAX_ORDER_QUANTITY", vars, unit: "shares or contracts", &problems)
        result.maxNotional = positive("MAX_ORDER_NOTIONAL", vars, unit: "US dollars", &problems)
        if let text = vars["ALLOWED_ASSET_TYPES"]?.trimmed, !text.isEmpty {
            let names = text.split(separator: ",", omittingEmptySubsequences: false).map {
                String($0).trimmed.uppercased()
            }
            let unknown = names.filter { !assetTypes.contains($0) }
            if names.contains("") || !unknown.isEmpty {
                let hint = unknown.contains("ETF") ? " (ETFs trade as EQUITY)" : ""
                problems.append(
                    .invalid(
                        "ALLOWED_ASSET_TYPES",
                        expected: "a comma-separated list of " + assetTypes.joined(separator: "|") + hint,
                        received: text))
            } else {
                result.allowedAssetTypes = Set(names)
            }
        }
        return (result, problems)
    }

    private static func positive(
        _ name: String, _ vars: [String: String], unit: String, _ problems: inout [ConfigProblem]
    ) -> Double? {
        guard let text = vars[name]?.trimmed, !text.isEmpty else { return nil }
        guard let number = Double(text), number.isFinite, number > 0 else {
            problems.append(.invalid(name, expected: "a number greater than zero (\(unit))", received: text))
            return nil
        }
        return number
    }
}

extension String {
    fileprivate var trimmed: String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}
