import Testing

@testable import Schwab

/// URLs sent, paths logged, and order ids read from `Location`.
@Suite struct SchwabURLTests {
    @Test func urlsJoinTheBaseTheAPIPathAndTheEncodedQuery() {
        let request = SchwabRequest(
            .marketData, "/quotes", query: [("symbols", "AAPL,$SPX,BRK/B"), ("fields", "quote reference")])
        #expect(
            SchwabURL.url(apiBase: "https://api.schwabapi.com/", request)
                == "https://api.schwabapi.com/marketdata/v1/quotes?symbols=AAPL%2C%24SPX%2CBRK%2FB&fields=quote%20reference"
        )
        #expect(
            SchwabURL.url(apiBase: "http://127.0.0.1:9", SchwabRequest(.trader, "accounts"))
                == "http://127.0.0.1:9/trader/v1/accounts")
    }

    @Test func pathsKeepTheirSeparatorsAndPreEncodedSegmentsButLoseUnsafeCharacters() {
        let path = "/" + SchwabURL.segment("/ES") + "/quotes"
        #expect(path == "/%2FES/quotes")
        #expect(
            SchwabURL.url(apiBase: "http://h", SchwabRequest(.marketData, path))
                == "http://h/marketdata/v1/%2FES/quotes")
        #expect(
            SchwabURL.url(apiBase: "http://h", SchwabRequest(.marketData, "/$SPX/quotes x?#"))
                == "http://h/marketdata/v1/$SPX/quotes%20x%3F%23")
        #expect(SchwabURL.encode("é") == "%C3%A9")
    }

    @Test(arguments: [
        ("/accounts/accountNumbers", "/accounts/accountNumbers"),
        ("/accounts", "/accounts"),
        ("/accounts/", "/accounts/"),
        ("/accounts/E5B2A1C0FFEE/orders", "/accounts/***/orders"),
        ("/accounts/E5B2A1C0FFEE/orders/1001", "/accounts/***/orders/1001"),
        ("/accounts/E5B2A1C0FFEE", "/accounts/***"),
        ("/accounts/12345678/transactions/77", "/accounts/***/transactions/77"),
        ("/accounts/H1/previewOrder", "/accounts/***/previewOrder"),
        ("/orders", "/orders"),
        ("/quotes", "/quotes"),
        ("/AAPL/quotes", "/AAPL/quotes"),
    ])
    func logPathsHideTheAccountSegment(_ path: String, _ logged: String) {
        #expect(SchwabURL.redactedPath(path) == logged)
    }

    @Test(
        arguments: [
            ("https://api.schwabapi.com/trader/v1/accounts/ABC/orders/1000123", "1000123"),
            ("http://127.0.0.1:9/trader/v1/accounts/ABC/orders/42/", "42"),
            ("/trader/v1/accounts/ABC/orders/42?x=1", "42"),
            (" /accounts/ABC/orders/42 ", "42"),
            ("/trader/v1/accounts/ABC/orders", nil),
            ("/trader/v1/accounts/ABC/orders/abc", nil),
            ("/trader/v1/accounts/ABC/orders/42/extra", nil),
            ("/trader/v1/accounts/ABC/orders/12345678901234567890", nil),
            ("", nil),
        ] as [(String, String?)])
    func theOrderIdIsTheSegmentAfterOrders(_ location: String, _ id: String?) {
        #expect(SchwabLocation.orderId(from: location) == id)
        #expect(SchwabResponse(status: 201, json: .null, location: location).orderId == id)
    }

    @Test func onlyReadsAreIdempotent() {
        #expect(SchwabRequest(.trader, "/accounts").isIdempotentRead)
        #expect(!SchwabRequest(.post, .trader, "/accounts/H/orders").isIdempotentRead)
        #expect(!SchwabRequest(.put, .trader, "/accounts/H/orders/1").isIdempotentRead)
        #expect(!SchwabRequest(.delete, .trader, "/accounts/H/orders/1").isIdempotentRead)
    }
}
