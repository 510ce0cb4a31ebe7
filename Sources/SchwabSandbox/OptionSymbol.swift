/// An OCC option symbol: root padded to six characters, `YYMMDD`, `C`/`P`, strike × 1000 in eight
/// digits (`SPY   250620C00550000`), as the OCC symbology and Schwab's quote examples use.
public struct OptionSymbol: Sendable, Equatable, CustomStringConvertible {
    /// The underlying's root, e.g. `SPY`.
    public let root: String
    /// Expiry year (four digits), month and day.
    public let year: Int
    public let month: Int
    public let day: Int
    /// True for a call, false for a put.
    public let isCall: Bool
    /// Strike in dollars (thousandths are kept).
    public let strike: Double

    /// A symbol from its parts.
    public init(root: String, year: Int, month: Int, day: Int, isCall: Bool, strike: Double) {
        self.root = root
        self.year = year
        self.month = month
        self.day = day
        self.isCall = isCall
        self.strike = strike
    }

    /// Parses the 21-character OCC form; nil for anything else.
    public init?(occ text: String) {
        let chars = Array(text)
        guard chars.count == 21 else { return nil }
        let root = String(chars[0..<6]).trimmingTrailingSpaces
        guard !root.isEmpty, !root.contains(" "), root.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." }),
            let yy = Int(String(chars[6..<8])), let mm = Int(String(chars[8..<10])),
            let dd = Int(String(chars[10..<12])),
            (1...12).contains(mm), (1...31).contains(dd), chars[12] == "C" || chars[12] == "P",
            String(chars[13..<21]).allSatisfy(\.isNumber), let thousandths = Int(String(chars[13..<21]))
        else { return nil }
        self.init(
            root: root, year: 2000 + yy, month: mm, day: dd, isCall: chars[12] == "C",
            strike: Double(thousandths) / 1000)
    }

    /// The 21-character OCC form.
    public var description: String {
        let paddedRoot = root + String(repeating: " ", count: max(0, 6 - root.count))
        let thousandths = Int((strike * 1000).rounded())
        return paddedRoot + two(year % 100) + two(month) + two(day) + (isCall ? "C" : "P")
            + String(repeating: "0", count: max(0, 8 - String(thousandths).count)) + String(thousandths)
    }

    /// Epoch seconds of the expiry day's close (16:00 New York, taken as 21:00 UTC).
    public var expiryEpoch: Double { SandboxDates.epoch(year: year, month: month, day: day, hour: 21) }

    /// `yyyy-MM-dd` of the expiry.
    public var expiryDay: String { SandboxDates.day(expiryEpoch) }

    private func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
}

extension String {
    var trimmingTrailingSpaces: String {
        var s = Substring(self)
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
