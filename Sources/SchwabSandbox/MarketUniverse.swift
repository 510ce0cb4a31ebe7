/// One tradable symbol of the sandbox market: what quotes, instruments and orders know about it.
struct MarketSymbol: Sendable, Equatable {
    /// The ticker, e.g. `MSFT`; indices start with `$`.
    let symbol: String
    /// The issuer's name as instruments and quotes describe it.
    let description: String
    /// Exchange code (`Q` NASDAQ, `N` NYSE, `P` NYSE Arca, `0` index).
    let exchange: String
    /// Exchange name as quotes show it.
    let exchangeName: String
    /// `COE` common stock, `ETF`, or nil for an index.
    let subType: String?
    /// The price the model oscillates around.
    let basePrice: Double
    /// Annualised volatility, used for the price path and option pricing.
    let volatility: Double
    /// Dividend yield in percent.
    let dividendYield: Double
    /// Price to earnings ratio.
    let peRatio: Double
    /// The security's real nine-character CUSIP (empty for an index), so that a client holding a
    /// real identifier (AAPL is 037833100) finds the same instrument here as at Schwab.
    let cusip: String

    /// True for `$SPX`-style indices (no trading, no CUSIP lookups).
    var isIndex: Bool { symbol.hasPrefix("$") }
}

/// The sandbox's universe of symbols: large US stocks, ETFs and three indices.
///
/// Quotes, instrument search, movers and order validation all use this one list, so a symbol is
/// either known everywhere or unknown everywhere (Schwab answers unknown symbols as
/// `invalidSymbols` in quotes and rejects orders for them).
enum MarketUniverse {
    /// Symbol, CUSIP (the issuer's real one, as CUSIP Global Services assigns it), description,
    /// exchange code, sub-type, base price, volatility, dividend yield, P/E.
    private static let table: [(String, String, String, String, String?, Double, Double, Double, Double)] = [
        ("AAPL", "037833100", "Apple Inc", "Q", "COE", 190, 0.25, 0.5, 29),
        ("MSFT", "594918104", "Microsoft Corp", "Q", "COE", 410, 0.24, 0.7, 35),
        ("AMZN", "023135106", "Amazon.com Inc", "Q", "COE", 180, 0.32, 0, 52),
        ("GOOGL", "02079K305", "Alphabet Inc A", "Q", "COE", 165, 0.28, 0.5, 25),
        ("GOOG", "02079K107", "Alphabet Inc C", "Q", "COE", 166, 0.28, 0.5, 25),
        ("META", "30303M102", "Meta Platforms Inc", "Q", "COE", 480, 0.38, 0.4, 27),
        ("NVDA", "67066G104", "NVIDIA Corp", "Q", "COE", 120, 0.50, 0.03, 65),
        ("TSLA", "88160R101", "Tesla Inc", "Q", "COE", 210, 0.55, 0, 60),
        ("BRK.B", "084670702", "Berkshire Hathaway Inc B", "N", "COE", 410, 0.16, 0, 12),
        ("JPM", "46625H100", "JPMorgan Chase & Co", "N", "COE", 200, 0.22, 2.3, 12),
        ("V", "92826C839", "Visa Inc A", "N", "COE", 275, 0.20, 0.8, 31),
        ("JNJ", "478160104", "Johnson & Johnson", "N", "COE", 155, 0.16, 3.1, 22),
        ("WMT", "931142103", "Walmart Inc", "N", "COE", 68, 0.18, 1.2, 28),
        ("PG", "742718109", "Procter & Gamble Co", "N", "COE", 165, 0.15, 2.4, 26),
        ("XOM", "30231G102", "Exxon Mobil Corp", "N", "COE", 115, 0.26, 3.3, 13),
        ("UNH", "91324P102", "UnitedHealth Group Inc", "N", "COE", 510, 0.24, 1.5, 21),
        ("HD", "437076102", "Home Depot Inc", "N", "COE", 350, 0.22, 2.5, 23),
        ("MA", "57636Q104", "Mastercard Inc A", "N", "COE", 460, 0.21, 0.6, 36),
        ("KO", "191216100", "Coca-Cola Co", "N", "COE", 62, 0.14, 3.1, 25),
        ("PEP", "713448108", "PepsiCo Inc", "Q", "COE", 170, 0.15, 3.0, 25),
        ("COST", "22160K105", "Costco Wholesale Corp", "Q", "COE", 800, 0.20, 0.6, 50),
        ("ABBV", "00287Y109", "AbbVie Inc", "N", "COE", 165, 0.22, 3.8, 48),
        ("MRK", "58933Y105", "Merck & Co Inc", "N", "COE", 125, 0.20, 2.5, 140),
        ("CVX", "166764100", "Chevron Corp", "N", "COE", 155, 0.24, 4.1, 14),
        ("BAC", "060505104", "Bank of America Corp", "N", "COE", 38, 0.27, 2.5, 13),
        ("ADBE", "00724F101", "Adobe Inc", "Q", "COE", 480, 0.33, 0, 45),
        ("CRM", "79466L302", "Salesforce Inc", "N", "COE", 270, 0.33, 0.6, 48),
        ("NFLX", "64110L106", "Netflix Inc", "Q", "COE", 620, 0.38, 0, 42),
        ("AMD", "007903107", "Advanced Micro Devices Inc", "Q", "COE", 160, 0.50, 0, 210),
        ("INTC", "458140100", "Intel Corp", "Q", "COE", 31, 0.38, 1.6, 32),
        ("CSCO", "17275R102", "Cisco Systems Inc", "Q", "COE", 48, 0.20, 3.3, 15),
        ("ORCL", "68389X105", "Oracle Corp", "N", "COE", 125, 0.28, 1.3, 33),
        ("DIS", "254687106", "Walt Disney Co", "N", "COE", 105, 0.28, 0.3, 70),
        ("NKE", "654106103", "Nike Inc B", "N", "COE", 92, 0.28, 1.6, 27),
        ("MCD", "580135101", "McDonald's Corp", "N", "COE", 260, 0.16, 2.6, 22),
        ("T", "00206R102", "AT&T Inc", "N", "COE", 17, 0.22, 6.5, 9),
        ("VZ", "92343V104", "Verizon Communications Inc", "N", "COE", 40, 0.20, 6.6, 15),
        ("PFE", "717081103", "Pfizer Inc", "N", "COE", 28, 0.25, 6.0, 75),
        ("BA", "097023105", "Boeing Co", "N", "COE", 180, 0.35, 0, -50),
        ("CAT", "149123101", "Caterpillar Inc", "N", "COE", 340, 0.27, 1.6, 16),
        ("GE", "369604301", "General Electric Co", "N", "COE", 160, 0.30, 0.7, 45),
        ("IBM", "459200101", "International Business Machines Corp", "N", "COE", 170, 0.20, 3.9, 19),
        ("QCOM", "747525103", "Qualcomm Inc", "Q", "COE", 170, 0.35, 2.0, 23),
        ("TXN", "882508104", "Texas Instruments Inc", "Q", "COE", 175, 0.25, 3.0, 27),
        ("SCHW", "808513105", "Charles Schwab Corp", "N", "COE", 72, 0.30, 1.4, 29),
        ("GS", "38141G104", "Goldman Sachs Group Inc", "N", "COE", 420, 0.26, 2.6, 17),
        ("SBUX", "855244109", "Starbucks Corp", "Q", "COE", 80, 0.28, 2.8, 22),
        ("PYPL", "70450Y103", "PayPal Holdings Inc", "Q", "COE", 63, 0.38, 0, 16),
        ("UBER", "90353T100", "Uber Technologies Inc", "N", "COE", 70, 0.40, 0, 70),
        ("F", "345370860", "Ford Motor Co", "N", "COE", 12, 0.35, 5.0, 12),
        ("SPY", "78462F103", "SPDR S&P 500 ETF Trust", "P", "ETF", 520, 0.15, 1.3, 0),
        ("QQQ", "46090E103", "Invesco QQQ Trust Series 1", "Q", "ETF", 440, 0.19, 0.6, 0),
        ("IWM", "464287655", "iShares Russell 2000 ETF", "P", "ETF", 205, 0.22, 1.2, 0),
        ("DIA", "78467X109", "SPDR Dow Jones Industrial Average ETF", "P", "ETF", 390, 0.14, 1.7, 0),
        ("VTI", "922908769", "Vanguard Total Stock Market ETF", "P", "ETF", 255, 0.15, 1.4, 0),
        ("VOO", "922908363", "Vanguard S&P 500 ETF", "P", "ETF", 480, 0.15, 1.3, 0),
        ("AGG", "464287226", "iShares Core US Aggregate Bond ETF", "P", "ETF", 98, 0.06, 3.4, 0),
        ("GLD", "78463V107", "SPDR Gold Shares", "P", "ETF", 215, 0.14, 0, 0),
        ("$SPX", "", "S&P 500 Index", "0", nil, 5200, 0.15, 0, 0),
        ("$DJI", "", "Dow Jones Industrial Average", "0", nil, 39000, 0.14, 0, 0),
        ("$COMPX", "", "NASDAQ Composite", "0", nil, 16400, 0.19, 0, 0),
    ]

    /// Every symbol, in a fixed order.
    static let all: [MarketSymbol] = table.map { row in
        MarketSymbol(
            symbol: row.0, description: row.2, exchange: row.3, exchangeName: exchangeName(row.3), subType: row.4,
            basePrice: row.5, volatility: row.6, dividendYield: row.7, peRatio: row.8, cusip: row.1)
    }

    private static let bySymbol: [String: MarketSymbol] = Dictionary(uniqueKeysWithValues: all.map { ($0.symbol, $0) })
    private static let byCusip: [String: MarketSymbol] = Dictionary(
        uniqueKeysWithValues: all.filter { !$0.isIndex }.map { ($0.cusip, $0) })

    /// The symbol's entry, or nil when the sandbox does not know it. Case-sensitive like Schwab's.
    static func lookup(_ symbol: String) -> MarketSymbol? { bySymbol[symbol] }

    /// The entry whose CUSIP is `cusip`, or nil.
    static func lookup(cusip: String) -> MarketSymbol? { byCusip[cusip] }

    /// Tradable (non-index) symbols.
    static var equities: [MarketSymbol] { all.filter { !$0.isIndex } }

    private static func exchangeName(_ code: String) -> String {
        switch code {
        case "Q": "NASDAQ"
        case "N": "NYSE"
        case "P": "NYSE Arca"
        default: "Index"
        }
    }

    /// The ninth character of a CUSIP for its first eight: the standard's modulus 10
    /// double-add-double check digit (letters count 10 to 35, `*` 36, `@` 37, `#` 38).
    static func cusipCheckDigit(_ first8: String) -> Int {
        var sum = 0
        for (index, char) in first8.uppercased().enumerated() {
            var value: Int
            if let digit = char.wholeNumberValue {
                value = digit
            } else if let ascii = char.asciiValue, ascii >= 65, ascii <= 90 {
                value = Int(ascii) - 55
            } else if char == "*" {
                value = 36
            } else if char == "@" {
                value = 37
            } else {
                value = 38
            }
            if index % 2 == 1 { value *= 2 }
            sum += value / 10 + value % 10
        }
        return (10 - sum % 10) % 10
    }
}
