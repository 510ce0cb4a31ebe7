#if canImport(Glibc)
    import Glibc
#endif

/// Date text in the forms Schwab's APIs use, converted without Foundation's formatters.
///
/// Trader responses carry `yyyy-MM-dd'T'HH:mm:ss+0000` (the Java `Z` offset the spec's
/// `yyyy-MM-dd'T'HH:mm:ss.SSSZ` pattern produces); requests may send `.SSS`, `Z`, `+0000` or
/// `+00:00`. Market Data uses `yyyy-MM-dd` for dates and epoch milliseconds for candles.
public enum SandboxDates {
    /// `2024-03-29T14:30:00+0000` for epoch seconds `t`.
    public static func traderTimestamp(_ t: Double) -> String {
        let p = parts(t)
        return "\(pad(p.year, 4))-\(pad(p.month, 2))-\(pad(p.day, 2))T\(pad(p.hour, 2)):\(pad(p.minute, 2)):"
            + "\(pad(p.second, 2))+0000"
    }

    /// `2024-03-29T14:30:00.000Z`, the ISO-8601 form of candle times and previous closes.
    public static func isoMillis(_ t: Double) -> String {
        let p = parts(t)
        return "\(pad(p.year, 4))-\(pad(p.month, 2))-\(pad(p.day, 2))T\(pad(p.hour, 2)):\(pad(p.minute, 2)):"
            + "\(pad(p.second, 2)).000Z"
    }

    /// `2024-03-29` for epoch seconds `t` (UTC).
    public static func day(_ t: Double) -> String {
        let p = parts(t)
        return "\(pad(p.year, 4))-\(pad(p.month, 2))-\(pad(p.day, 2))"
    }

    /// Calendar parts of `t` in UTC, with the weekday (0 = Sunday).
    public static func parts(
        _ t: Double
    ) -> (
        year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, weekday: Int
    ) {
        var seconds = time_t(t.rounded(.down))
        var tmValue = tm()
        gmtime_r(&seconds, &tmValue)
        return (
            Int(tmValue.tm_year) + 1900, Int(tmValue.tm_mon) + 1, Int(tmValue.tm_mday), Int(tmValue.tm_hour),
            Int(tmValue.tm_min), Int(tmValue.tm_sec), Int(tmValue.tm_wday)
        )
    }

    /// Epoch seconds of a UTC calendar date and time.
    public static func epoch(
        year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0
    )
        -> Double
    {
        // Days from civil (Howard Hinnant's algorithm), valid for the proleptic Gregorian calendar.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return Double(days * 86_400 + hour * 3_600 + minute * 60 + second)
    }

    /// Parses `yyyy-MM-dd` (UTC midnight); nil when malformed.
    public static func parseDay(_ text: String) -> Double? {
        let fields = text.split(separator: "-", omittingEmptySubsequences: false)
        guard fields.count == 3, fields[0].count == 4, fields[1].count == 2, fields[2].count == 2,
            let y = Int(fields[0]), let m = Int(fields[1]), let d = Int(fields[2]), (1...12).contains(m),
            (1...31).contains(d)
        else { return nil }
        return epoch(year: y, month: m, day: d)
    }

    /// Parses `yyyy-MM-dd'T'HH:mm:ss[.SSS](Z|+hhmm|+hh:mm)`; nil when malformed.
    public static func parseTimestamp(_ text: String) -> Double? {
        let chars = Array(text.utf8)
        guard chars.count >= 20, chars[10] == UInt8(ascii: "T"), let date = parseDay(String(text.prefix(10))) else {
            return nil
        }
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= chars.count else { return nil }
            var value = 0
            for c in chars[from..<from + count] {
                guard c >= 48 && c <= 57 else { return nil }
                value = value * 10 + Int(c - 48)
            }
            return value
        }
        guard let h = number(11, 2), let mi = number(14, 2), let s = number(17, 2), chars[13] == 58, chars[16] == 58,
            h < 24, mi < 60, s < 61
        else { return nil }
        var index = 19
        var fraction = 0.0
        if index < chars.count, chars[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            while index < chars.count, chars[index] >= 48, chars[index] <= 57 {
                fraction += Double(chars[index] - 48) * scale
                scale /= 10
                index += 1
            }
        }
        var offset = 0
        if index < chars.count, chars[index] == UInt8(ascii: "Z"), index + 1 == chars.count {
            offset = 0
        } else if index < chars.count, chars[index] == UInt8(ascii: "+") || chars[index] == UInt8(ascii: "-") {
            let sign = chars[index] == UInt8(ascii: "-") ? -1 : 1
            let rest = Array(chars[(index + 1)...])
            let digits = rest.filter { $0 != 58 }
            guard digits.count == 4, rest.count == 4 || (rest.count == 5 && rest[2] == 58),
                let oh = number(index + 1, 2)
            else { return nil }
            let omText = rest.count == 5 ? number(index + 4, 2) : number(index + 3, 2)
            guard let om = omText else { return nil }
            offset = sign * (oh * 3600 + om * 60)
        } else {
            return nil
        }
        return date + Double(h * 3600 + mi * 60 + s) + fraction - Double(offset)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let s = String(value)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
