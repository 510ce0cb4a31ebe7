import Foundation

/// Option expirations the sandbox lists: weeklies for the next five Fridays, monthlies (third
/// Friday) for six months, quarterlies out to a year, as US equity options are listed.
public enum OptionCalendar {
    /// Wall-clock time at process start; the demo option position expires relative to it.
    public static let referenceNow = Date().timeIntervalSince1970

    /// One listed expiry.
    public struct Expiry: Sendable, Equatable {
        /// UTC midnight of the expiry day.
        public let day: Double
        /// `W`, `S` (third Friday) or `Q` (quarter end month) as the spec's ExpirationType.
        public let type: String
        /// Whether this is a standard monthly.
        public var standard: Bool { type != "W" }
    }

    /// The third Friday of the month `monthsAhead` after the month of `t`.
    public static func thirdFriday(after t: Double, monthsAhead: Int) -> Double {
        let p = SandboxDates.parts(t)
        var month = p.month + monthsAhead
        var year = p.year
        while month > 12 {
            month -= 12
            year += 1
        }
        let first = SandboxDates.epoch(year: year, month: month, day: 1)
        let weekday = SandboxDates.parts(first).weekday
        let firstFriday = 1 + (5 - weekday + 7) % 7
        return SandboxDates.epoch(year: year, month: month, day: firstFriday + 14)
    }

    /// Every expiry listed at time `t`, soonest first.
    public static func expirations(at t: Double) -> [Expiry] {
        let today = (t / 86_400).rounded(.down) * 86_400
        var days: [Double: String] = [:]
        let weekday = SandboxDates.parts(today).weekday
        var friday = today + Double((5 - weekday + 7) % 7) * 86_400
        if friday == today && t - today > 21 * 3600 { friday += 7 * 86_400 }
        for _ in 0..<5 {
            days[friday] = "W"
            friday += 7 * 86_400
        }
        for ahead in 0..<13 {
            let monthly = thirdFriday(after: today, monthsAhead: ahead)
            guard monthly >= today else { continue }
            let month = SandboxDates.parts(monthly).month
            if ahead <= 6 {
                days[monthly] = month % 3 == 0 ? "Q" : "S"
            } else if month % 3 == 0 {
                days[monthly] = "Q"
            }
        }
        return days.keys.sorted().map { Expiry(day: $0, type: days[$0]!) }
    }
}
