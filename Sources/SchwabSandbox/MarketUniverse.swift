/// One tradable symbol of the sandbox market: what quotes, instruments and orders know about it.
public struct MarketSymbol: Sendable, Equatable {
    /// The ticker, e.g. `MSFT`; indices start with `$`.
    public let symbol: String
    /// The issuer's name as instruments and quotes describe it.
    public let description: String
    /// Exchange code (`Q` NASDAQ, `N` NYSE, `P` NYSE Arca, `0` index).
    public let exchange: String
    /// Exchange name as quotes show it.
    public let exchangeName: String
    /// `COE` common stock, `ETF`, or nil for an index.
    public let subType: String?
    /// The price the model oscillates around.
    public let basePrice: Double
    /// Annualised volatility, used for the price path and option pricing.
    public let volatility: Double
    /// Dividend yield in percent.
    public let dividendYield: Double
    /// Price to earnings ratio.
    public let peRatio: Double
    /// A nine-character CUSIP with a valid check digit (generated, stable for the symbol).
    public let cusip: String

    /// True for `$SPX`-style indices (no trading, no CUSIP lookups).
    public var isIndex: Bool { symbol.hasPrefix("$") }
}

/// The sandbox's universe of symbols: large US stocks, ETFs and three indices.
///
/// Quotes, instrument search, movers and order validation all use this one list, so a symbol is
/// either known everywhere or unknown everywhere (Schwab answers unknown symbols as
/// `invalidSymbols` in quotes and rejects orders for them).
public enum MarketUniverse {
    private static let table: [(String, String, String, String?, Double, Double, Double, Double)] = [
        ("AAPL", "Apple Inc", "Q", "COE", 190, 0.25, 0.5, 29),
        ("MSFT", "Microsoft Corp", "Q", "COE", 410, 0.24, 0.7, 35),
        ("AMZN", "Amazon.com Inc", "Q", "COE", 180, 0.32, 0, 52),
        ("GOOGL", "Alphabet Inc A", "Q", "COE", 165, 0.28, 0.5, 25),
        ("GOOG", "Alphabet Inc C", "Q", "COE", 166, 0.28, 0.5, 25),
        ("META", "Meta Platforms Inc", "Q", "COE", 480, 0.38, 0.4, 27),
        ("NVDA", "NVIDIA Corp", "Q", "COE", 120, 0.50, 0.03, 65), ("TSLA", "Tesla Inc", "Q", "COE", 210, 0.55, 0, 60),
        ("BRK.B", "Berkshire Hathaway Inc B", "N", "COE", 410, 0.16, 0, 12),
        ("JPM", "JPMorgan Chase & Co", "N", "COE", 200, 0.22, 2.3, 12),
        ("V", "Visa Inc A", "N", "COE", 275, 0.20, 0.8, 31),
        ("JNJ", "Johnson & Johnson", "N", "COE", 155, 0.16, 3.1, 22),
        ("WMT", "Walmart Inc", "N", "COE", 68, 0.18, 1.2, 28),
        ("PG", "Procter & Gamble Co", "N", "COE", 165, 0.15, 2.4, 26),
        ("XOM", "Exxon Mobil Corp", "N", "COE", 115, 0.26, 3.3, 13),
        ("UNH", "UnitedHealth Group Inc", "N", "COE", 510, 0.24, 1.5, 21),
        ("HD", "Home Depot Inc", "N", "COE", 350, 0.22, 2.5, 23),
        ("MA", "Mastercard Inc A", "N", "COE", 460, 0.21, 0.6, 36),
        ("KO", "Coca-Cola Co", "N", "COE", 62, 0.14, 3.1, 25), ("PEP", "PepsiCo Inc", "Q", "COE", 170, 0.15, 3.0, 25),
        ("COST", "Costco Wholesale Corp", "Q", "COE", 800, 0.20, 0.6, 50),
        ("ABBV", "AbbVie Inc", "N", "COE", 165, 0.22, 3.8, 48),
        ("MRK", "Merck & Co Inc", "N", "COE", 125, 0.20, 2.5, 140),
        ("CVX", "Chevron Corp", "N", "COE", 155, 0.24, 4.1, 14),
        ("BAC", "Bank of America Corp", "N", "COE", 38, 0.27, 2.5, 13),
        ("ADBE", "Adobe Inc", "Q", "COE", 480, 0.33, 0, 45),
        ("CRM", "Salesforce Inc", "N", "COE", 270, 0.33, 0.6, 48),
        ("NFLX", "Netflix Inc", "Q", "COE", 620, 0.38, 0, 42),
        ("AMD", "Advanced Micro Devices Inc", "Q", "COE", 160, 0.50, 0, 210),
        ("INTC", "Intel Corp", "Q", "COE", 31, 0.38, 1.6, 32),
        ("CSCO", "Cisco Systems Inc", "Q", "COE", 48, 0.20, 3.3, 15),
        ("ORCL", "Oracle Corp", "N", "COE", 125, 0.28, 1.3, 33),
        ("DIS", "Walt Disney Co", "N", "COE", 105, 0.28, 0.3, 70), ("NKE", "Nike Inc B", "N", "COE", 92, 0.28, 1.6, 27),
        ("MCD", "McDonald's Corp", "N", "COE", 260, 0.16, 2.6, 22), ("T", "AT&T Inc", "N", "COE", 17, 0.22, 6.5, 9),
        ("VZ", "Verizon Communications Inc", "N", "COE", 40, 0.20, 6.6, 15),
        ("PFE", "Pfizer Inc", "N", "COE", 28, 0.25, 6.0, 75),
        ("BA", "Boeing Co", "N", "COE", 180, 0.35, 0, -50), ("CAT", "Caterpillar Inc", "N", "COE", 340, 0.27, 1.6, 16),
        ("GE", "General Electric Co", "N", "COE", 160, 0.30, 0.7, 45),
        ("IBM", "International Business Machines Corp", "N", "COE", 170, 0.20, 3.9, 19),
        ("QCOM", "Qualcomm Inc", "Q", "COE", 170, 0.35, 2.0, 23),
        ("TXN", "Texas Instruments Inc", "Q", "COE", 175, 0.25, 3.0, 27),
        ("SCHW", "Charles Schwab Corp", "N", "COE", 72, 0.30, 1.4, 29),
        ("GS", "Goldman Sachs Group Inc", "N", "COE", 420, 0.26, 2.6, 17),
        ("SBUX", "Starbucks Corp", "Q", "COE", 80, 0.28, 2.8, 22),
        ("PYPL", "PayPal Holdings Inc", "Q", "COE", 63, 0.38, 0, 16),
        ("UBER", "Uber Technologies Inc", "N", "COE", 70, 0.40, 0, 70),
        ("F", "Ford Motor Co", "N", "COE", 12, 0.35, 5.0, 12),
        ("SPY", "SPDR S&P 500 ETF Trust", "P", "ETF", 520, 0.15, 1.3, 0),
        ("QQQ", "Invesco QQQ Trust Series 1", "Q", "ETF", 440, 0.19, 0.6, 0),
        ("IWM", "iShares Russell 2000 ETF", "P", "ETF", 205, 0.22, 1.2, 0),
        ("DIA", "SPDR Dow Jones Industrial Average ETF", "P", "ETF", 390, 0.14, 1.7, 0),
        ("VTI", "Vanguard Total Stock Market ETF", "P", "ETF", 255, 0.15, 1.4, 0),
        ("VOO", "Vanguard S&P 500 ETF", "P", "ETF", 480, 0.15, 1.3, 0),
        ("AGG", "iShares Core US Aggregate Bond ETF", "P", "ETF", 98, 0.06, 3.4, 0),
        ("GLD", "SPDR Gold Shares", "P", "ETF", 215, 0.14, 0, 0),
        ("$SPX", "S&P 500 Index", "0", nil, 5200, 0.15, 0, 0),
        ("$DJI", "Dow Jones Industrial Average", "0", nil, 39000, 0.14, 0, 0),
        ("$COMPX", "NASDAQ Composite", "0", nil, 16400, 0.19, 0, 0),
    ]

    /// Every symbol, in a fixed order.
    public static let all: [MarketSymbol] = table.map { row in
        MarketSymbol(
            symbol: row.0, description: row.1, exchange: row.2, exchangeName: exchangeName(row.2), subType: row.3,
            basePrice: row.4, volatility: row.5, dividendYield: row.6, peRatio: row.7,
            cusip: row.3 == nil ? "" : cusip(for: row.0))
    }

    private static let bySymbol: [String: MarketSymbol] = Dictionary(uniqueKeysWithValues: all.map { ($0.symbol, $0) })
    private static let byCusip: [String: MarketSymbol] = Dictionary(
        uniqueKeysWithValues: all.filter { !$0.isIndex }.map { ($0.cusip, $0) })

    /// The symbol's entry, or nil when the sandbox does not know it. Case-sensitive like Schwab's.
    public static func lookup(_ symbol: String) -> MarketSymbol? { bySymbol[symbol] }

    /// The entry whose CUSIP is `cusip`, or nil.
    public static func lookup(cusip: String) -> MarketSymbol? { byCusip[cusip] }

    /// Tradable (non-index) symbols.
    public static var equities: [MarketSymbol] { all.filter { !$0.isIndex } }

    private static func exchangeName(_ code: String) -> String {
        switch code {
        case "Q": "NASDAQ"
        case "N": "NYSE"
        case "P": "NYSE Arca"
        default: "Index"
        }
    }

    /// A stable CUSIP for `symbol`: six issuer characters, two issue digits and the check digit of
    /// the CUSIP standard (modulus 10, double-add-double).
    public static func cusip(for symbol: String) -> String {
        let alphabet = Array("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ")
        var generator = SplitMix64(seed: SplitMix64.hash("cusip:" + symbol))
        var base = ""
        for _ in 0..<6 { base.append(alphabet[Int(generator.next() % UInt64(alphabet.count))]) }
        base += "10"
        return base + String(cusipCheckDigit(base))
    }

    /// The ninth character of a CUSIP for its first eight.
    public static func cusipCheckDigit(_ first8: String) -> Int {
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
