import EdgeCore
import Testing

@Suite("Trading vars in config check")
struct TradingVarsConfigTests {
    func problems(_ toml: String, environment: [String: String] = [:]) -> [String] {
        do {
            _ = try ConfigLoader.resolve(
                toml: toml, baseDirectory: "/srv/app", overrides: ConfigOverrides(), environment: environment,
                currentDirectory: "/home/op", fileExists: { _ in false })
            return []
        } catch {
            return error.messages
        }
    }

    @Test("good limits pass and land in extra for the host")
    func goodLimits() throws {
        let toml = """
            [vars]
            ENABLE_TRADING = "true"
            MAX_ORDER_QUANTITY = "100"
            MAX_ORDER_NOTIONAL = 25000.5
            ALLOWED_ASSET_TYPES = "equity, OPTION"
            """
        #expect(problems(toml) == [])
        let (config, _) = try ConfigLoader.resolve(
            toml: toml, baseDirectory: "/srv/app", overrides: ConfigOverrides(), environment: [:],
            currentDirectory: "/home/op", fileExists: { _ in false })
        #expect(config.vars.extra["MAX_ORDER_QUANTITY"] == "100")
        #expect(config.vars.extra["MAX_ORDER_NOTIONAL"] == "25000.5")
    }

    @Test("every bad limit is listed with the other problems")
    func badLimitsListedTogether() {
        let found = problems(
            """
            [vars]
            LOG_LEVEL = "loud"
            MAX_ORDER_QUANTITY = "-5"
            MAX_ORDER_NOTIONAL = "lots"
            ALLOWED_ASSET_TYPES = "EQUITY,ETF"
            """)
        #expect(
            found.contains(
                "LOG_LEVEL: invalid value, expected one of trace|debug|info|warn|error|fatal, received 'loud'"))
        #expect(
            found.contains(
                "MAX_ORDER_QUANTITY: invalid value, expected a number greater than zero (shares or contracts), received '-5'"
            ))
        #expect(
            found.contains(
                "MAX_ORDER_NOTIONAL: invalid value, expected a number greater than zero (US dollars), received 'lots'"))
        #expect(
            found.contains { $0.hasPrefix("ALLOWED_ASSET_TYPES: invalid value") && $0.contains("ETFs trade as EQUITY") }
        )
        #expect(found.filter { $0.hasPrefix("ENABLE_TRADING") }.isEmpty)
    }

    @Test("the environment overrides [vars] limits, as wrangler dev does")
    func environmentOverrides() {
        #expect(
            problems("[vars]\nMAX_ORDER_QUANTITY = \"10\"", environment: ["MAX_ORDER_QUANTITY": "ten"]) == [
                "MAX_ORDER_QUANTITY: invalid value, expected a number greater than zero (shares or contracts), received 'ten'"
            ])
    }
}
