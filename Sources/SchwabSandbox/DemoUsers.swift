/// A demo account as it is opened: number, hash, kind, and the holdings it starts with.
public struct DemoAccount: Sendable, Equatable {
    /// The plain account number (eight digits), only ever in bodies, never in URLs.
    public let number: String
    /// The encrypted id Schwab uses in every `{accountNumber}` path segment ([T] §8).
    public let hash: String
    /// `MARGIN` or `CASH`.
    public let type: String
    /// The nickname the user preference shows (`Individual`, `Roth IRA`, ...).
    public let nickName: String
    /// Cash on hand when the sandbox starts.
    public let openingCash: Double
    /// (symbol, quantity, days ago bought) of the positions it starts with; options in OCC form.
    public let holdings: [(symbol: String, quantity: Double, daysAgo: Int)]

    public static func == (lhs: DemoAccount, rhs: DemoAccount) -> Bool { lhs.number == rhs.number }
}

/// A demo user of the login page: a name, Schwab-style ids, and two or three accounts.
public struct DemoUser: Sendable, Equatable {
    /// The login name the form submits (`alex`, `blair`, `casey`).
    public let login: String
    /// The person's name as the login page shows it.
    public let fullName: String
    /// `streamerInfo[0].schwabClientCorrelId`: the stable user id clients key their tokens by.
    public let correlId: String
    /// `streamerInfo[0].schwabClientCustomerId`.
    public let customerId: String
    /// The user's accounts, the primary one first.
    public let accounts: [DemoAccount]
}

/// The three demo users, generated from the seed: same seed, same numbers and hashes.
///
/// Alex trades on margin and holds an IRA; Blair keeps a cash brokerage account and a traditional
/// IRA; Casey trades options on margin, plus a cash account. Every account has positions, so a
/// newcomer sees a realistic portfolio on day one.
public enum DemoUsers {
    /// The users for `seed`, the default login (`alex`) first.
    public static func make(seed: UInt64) -> [DemoUser] {
        var generator = SplitMix64(seed: seed, label: "demo-users")
        func digits(_ count: Int) -> String {
            var s = String(1 + generator.next() % 9)
            for _ in 1..<count { s += String(generator.next() % 10) }
            return s
        }
        func hex(_ count: Int) -> String {
            var s = ""
            for _ in 0..<count { s += String(generator.next() % 16, radix: 16) }
            return s
        }
        func account(
            _ type: String, _ nickName: String, _ cash: Double, _ holdings: [(String, Double, Int)]
        )
            -> DemoAccount
        {
            DemoAccount(
                number: digits(8), hash: hex(64).uppercased(), type: type, nickName: nickName, openingCash: cash,
                holdings: holdings.map { (symbol: $0.0, quantity: $0.1, daysAgo: $0.2) })
        }
        let spyCall = nextMonthlyOption(root: "SPY", strike: 540, isCall: true, seed: seed)
        return [
            DemoUser(
                login: "alex", fullName: "Alex Demo (margin trader)", correlId: hex(32), customerId: hex(64),
                accounts: [
                    account(
                        "MARGIN", "Individual", 25_000,
                        [("AAPL", 50, 40), ("MSFT", 20, 35), ("SPY", 30, 20), ("NVDA", 40, 10)]),
                    account("CASH", "Roth IRA", 8_500, [("VTI", 60, 55), ("AGG", 100, 50), ("KO", 40, 30)]),
                ]),
            DemoUser(
                login: "blair", fullName: "Blair Demo (long-term investor)", correlId: hex(32), customerId: hex(64),
                accounts: [
                    account("CASH", "Brokerage", 12_000, [("VOO", 25, 58), ("JNJ", 30, 45), ("PG", 25, 44)]),
                    account("CASH", "Traditional IRA", 5_000, [("QQQ", 15, 57), ("SCHW", 80, 20)]),
                ]),
            DemoUser(
                login: "casey", fullName: "Casey Demo (options)", correlId: hex(32), customerId: hex(64),
                accounts: [
                    account("MARGIN", "Options", 40_000, [("TSLA", 100, 15), ("AMD", 100, 12), (spyCall, 2, 5)]),
                    account("MARGIN", "Joint", 15_000, [("JPM", 40, 33), ("XOM", 60, 28)]),
                    account("CASH", "Rollover IRA", 20_000, [("DIA", 20, 50)]),
                ]),
        ]
    }

    /// An option that expires on the third Friday of next month, for the options demo account.
    static func nextMonthlyOption(root: String, strike: Double, isCall: Bool, seed: UInt64) -> String {
        let expiry = OptionCalendar.thirdFriday(after: OptionCalendar.referenceNow, monthsAhead: 2)
        let p = SandboxDates.parts(expiry)
        return OptionSymbol(root: root, year: p.year, month: p.month, day: p.day, isCall: isCall, strike: strike)
            .description
    }
}
