import EdgeCore
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
        let (year, month, day) = CivilTime.date(daysSinceEpoch: days)
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
}
