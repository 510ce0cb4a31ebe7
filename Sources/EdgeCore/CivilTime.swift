/// Calendar arithmetic for UTC timestamps without Foundation's formatters: the proleptic
/// Gregorian date of a day count, and the RFC 3339 form with milliseconds that Schwab's Trader
/// API (`2024-03-29T00:00:00.000Z`) and our audit log both use.
public enum CivilTime {
    /// Year, month (1...12) and day of a day count since 1970-01-01 (Howard Hinnant's
    /// days-to-civil method, exact for the whole proleptic Gregorian calendar).
    public static func date(daysSinceEpoch: Int) -> (year: Int, month: Int, day: Int) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// The day count since 1970-01-01 of a proleptic Gregorian date (the inverse of
    /// `date(daysSinceEpoch:)`, Howard Hinnant's days-from-civil method).
    public static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * ((month + 9) % 12) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// `2026-11-26T16:05:09.123Z` for `seconds` since the epoch (RFC 3339, UTC, milliseconds
    /// rounded down).
    public static func iso8601(epochSeconds seconds: Double) -> String {
        let millis = Int((seconds * 1000).rounded(.down))
        let days = Int((Double(millis) / 86_400_000).rounded(.down))
        let ofDay = millis - days * 86_400_000
        let (year, month, day) = date(daysSinceEpoch: days)
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(ofDay / 3_600_000, 2)):"
            + "\(pad(ofDay / 60_000 % 60, 2)):\(pad(ofDay / 1000 % 60, 2)).\(pad(ofDay % 1000, 3))Z"
    }
}
