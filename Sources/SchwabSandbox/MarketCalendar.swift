/// NYSE trading days: weekdays that are not exchange holidays (NYSE Rule 7.2: New Year's Day,
/// Martin Luther King Jr. Day, Washington's Birthday, Good Friday, Memorial Day, Juneteenth,
/// Independence Day, Labor Day, Thanksgiving, Christmas; a Sunday holiday moves to Monday and a
/// Saturday one to Friday, except New Year's Day, which is then not observed).
enum MarketCalendar {
    /// The holiday's name when the UTC day starting at `day` is an exchange holiday.
    static func holiday(_ day: Double) -> String? {
        let p = SandboxDates.parts(day)
        let y = p.year
        func date(_ month: Int, _ dayOfMonth: Int) -> Double {
            SandboxDates.epoch(year: y, month: month, day: dayOfMonth)
        }
        func nthWeekday(_ month: Int, _ weekday: Int, _ n: Int) -> Double {
            let first = date(month, 1)
            let offset = (weekday - SandboxDates.parts(first).weekday + 7) % 7
            return first + Double(offset + 7 * (n - 1)) * 86_400
        }
        func lastMonday(_ month: Int) -> Double {
            let next = month == 12 ? SandboxDates.epoch(year: y + 1, month: 1, day: 1) : date(month + 1, 1)
            let last = next - 86_400
            return last - Double((SandboxDates.parts(last).weekday - 1 + 7) % 7) * 86_400
        }
        func observed(_ fixed: Double) -> Double {
            switch SandboxDates.parts(fixed).weekday {
            case 0: fixed + 86_400
            case 6: fixed - 86_400
            default: fixed
            }
        }
        var holidays: [(Double, String)] = [
            (nthWeekday(1, 1, 3), "Martin Luther King Jr. Day"), (nthWeekday(2, 1, 3), "Washington's Birthday"),
            (easter(y) - 2 * 86_400, "Good Friday"), (lastMonday(5), "Memorial Day"),
            (observed(date(7, 4)), "Independence Day"), (nthWeekday(9, 1, 1), "Labor Day"),
            (nthWeekday(11, 4, 4), "Thanksgiving Day"), (observed(date(12, 25)), "Christmas Day"),
        ]
        let newYear = date(1, 1)
        if SandboxDates.parts(newYear).weekday != 6 { holidays.append((observed(newYear), "New Year's Day")) }
        if y >= 2022 { holidays.append((observed(date(6, 19)), "Juneteenth National Independence Day")) }
        let midnight = (day / 86_400).rounded(.down) * 86_400
        return holidays.first { $0.0 == midnight }?.1
    }

    /// True for a weekday that is not a holiday.
    static func isTradingDay(_ day: Double) -> Bool {
        let weekday = SandboxDates.parts(day).weekday
        return weekday != 0 && weekday != 6 && holiday(day) == nil
    }

    /// Easter Sunday of `year` (the anonymous Gregorian algorithm), as UTC midnight.
    static func easter(_ year: Int) -> Double {
        let a = year % 19
        let b = year / 100
        let c = year % 100
        let d = b / 4
        let e = b % 4
        let f = (b + 8) / 25
        let g = (b - f + 1) / 3
        let h = (19 * a + b - d - g + 15) % 30
        let i = c / 4
        let k = c % 4
        let l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31
        let day = (h + l - 7 * m + 114) % 31 + 1
        return SandboxDates.epoch(year: year, month: month, day: day)
    }
}
