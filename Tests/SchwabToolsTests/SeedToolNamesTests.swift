import Testing

@testable import SchwabTools

@Suite struct SeedToolNamesTests {
    @Test func readingAndTradingNamesAreDisjointAndUnique() {
        let all = SeedToolNames.readOnly + SeedToolNames.trading
        #expect(Set(all).count == all.count)
        #expect(all.count == 24)
    }
}
