import EdgeCore

/// Why the trading settings could not be read: every bad variable, each naming what would be right.
public struct TradingSettingsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable code for the error kind.
    public let code = "invalid_trading_settings"
    /// The problems, one per bad variable (`MAX_ORDER_QUANTITY: invalid value, expected ...`).
    public var problems: [ConfigProblem]

    /// An error made of `problems`.
    public init(_ problems: [ConfigProblem]) { self.problems = problems }

    /// One line naming every bad variable.
    public var description: String {
        "trading settings are invalid: " + problems.map(\.description).joined(separator: "; ")
    }
}

/// The operator's trading switch and limits (`[vars]` `ENABLE_TRADING`, `MAX_ORDER_QUANTITY`,
/// `MAX_ORDER_NOTIONAL`, `ALLOWED_ASSET_TYPES`).
///
/// With `enabled` false the order tools are not even listed. The limits apply to every order the
/// tools preview, place or replace (`OrderLimits.check`). The values and their parsing are
/// EdgeCore's `TradingVars`, so `config check` and the tools read the variables the same way;
/// this module adds the refusal to start with a bad value.
public typealias TradingSettings = TradingVars

extension TradingVars {
    /// Reads the settings from `[vars]` text (plus environment overrides, already merged in).
    ///
    /// Refuses any bad value rather than trading without a limit the operator meant to set.
    public init(vars: [String: String]) throws(TradingSettingsError) {
        let (parsed, problems) = TradingVars.parse(vars)
        guard problems.isEmpty else { throw TradingSettingsError(problems) }
        self.init(
            enabled: parsed.enabled, maxQuantity: parsed.maxQuantity, maxNotional: parsed.maxNotional,
            allowedAssetTypes: parsed.allowedAssetTypes)
    }

    /// Reads the settings from a loaded configuration's `[vars]`.
    public init(config vars: Config.Vars) throws(TradingSettingsError) {
        var texts = vars.extra
        texts["ENABLE_TRADING"] = vars.enableTrading ? "true" : "false"
        try self.init(vars: texts)
    }

    /// Trading off: the order tools are not listed.
    public static let disabled = TradingSettings(enabled: false)
}
