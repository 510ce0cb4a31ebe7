import Testing

@testable import Schwab

@Suite struct SchwabServiceTests {
    @Test func eachAPIHasItsOwnVersionedPath() {
        #expect(SchwabService.trader.basePath == "/trader/v1")
        #expect(SchwabService.marketData.basePath == "/marketdata/v1")
    }
}
