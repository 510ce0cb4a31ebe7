import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The `Date` header's format, IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT` (RFC 9110 §5.6.7).
public enum HTTPDate {
    /// The IMF-fixdate text of a time given in seconds since 1970-01-01 UTC. Pure: the caller
    /// supplies the clock.
    public static func format(epochSeconds: Int) -> String {
        String(decoding: formatBytes(epochSeconds: epochSeconds), as: UTF8.self)
    }

    /// The current time as IMF-fixdate bytes, formatted at most once per second and shared by
    /// every thread through a `Mutex`, since a busy server writes many responses each second.
    public static func now() -> [UInt8] {
        let seconds = Int(time(nil))
        return cache.withLock { cached in
            if cached.seconds != seconds {
                cached = (seconds, formatBytes(epochSeconds: seconds))
            }
            return cached.text
        }
    }

    private static let cache = Mutex<(seconds: Int, text: [UInt8])>((-1, []))

    private static let dayNames = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]  // 1970-01-01 was a Thursday
    private static let monthNames = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]

    static func formatBytes(epochSeconds: Int) -> [UInt8] {
        let days = epochSeconds >= 0 ? epochSeconds / 86400 : (epochSeconds - 86399) / 86400
        let secondOfDay = epochSeconds - days * 86400
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        let weekday = ((days % 7) + 7) % 7
        var out: [UInt8] = []
        out.reserveCapacity(29)
        out += dayNames[weekday].utf8
        out += ", ".utf8
        appendTwoDigits(day, to: &out)
        out.append(0x20)
        out += monthNames[month - 1].utf8
        out.append(0x20)
        appendTwoDigits(year / 100, to: &out)
        appendTwoDigits(year % 100, to: &out)
        out.append(0x20)
        appendTwoDigits(secondOfDay / 3600, to: &out)
        out.append(UInt8(ascii: ":"))
        appendTwoDigits(secondOfDay / 60 % 60, to: &out)
        out.append(UInt8(ascii: ":"))
        appendTwoDigits(secondOfDay % 60, to: &out)
        out += " GMT".utf8
        return out
    }

    private static func appendTwoDigits(_ value: Int, to out: inout [UInt8]) {
        out.append(UInt8(0x30 + value / 10 % 10))
        out.append(UInt8(0x30 + value % 10))
    }

    /// Year, month (1...12) and day of a day count since 1970-01-01 (the proleptic Gregorian
    /// calendar; Howard Hinnant's days-to-civil method).
    static func civilDate(daysSinceEpoch: Int) -> (year: Int, month: Int, day: Int) {
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
}
