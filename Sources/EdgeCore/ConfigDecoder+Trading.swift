/// `[vars]` trading limits: `MAX_ORDER_QUANTITY`, `MAX_ORDER_NOTIONAL` and `ALLOWED_ASSET_TYPES`
/// are checked here so `config check` lists a bad limit with every other problem, instead of the
/// host finding it only when it starts. (`ENABLE_TRADING` is checked with the other core vars.)
extension ConfigDecoder {
    mutating func checkTradingVars(_ texts: [String: String]) {
        let (_, found) = TradingVars.parse(texts)
        problems.append(contentsOf: found.filter { $0.key != "ENABLE_TRADING" })
    }
}
