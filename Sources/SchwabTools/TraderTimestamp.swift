import Foundation

/// The Trader API's timestamps, `yyyy-MM-dd'T'HH:mm:ss.SSSZ` such as `2024-03-29T00:00:00.000Z`
/// (reference/schwab-api.md §3), made from epoch seconds or from what a model typed.
enum TraderTimestamp {
    /// A regular expression tools declare for these inputs: a date, or a date and time.
    static let pattern = #"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?)?$"#

    /// The timestamp of `seconds` since the epoch, in UTC with milliseconds.
    static func format(_ seconds: Double) -> String {
        let millis = Int64((seconds * 1000).rounded(.down))
        let days = Int64((Double(millis) / 86_400_000).rounded(.down))
        let msOfDay = millis - days * 86_400_000
        let (y, m, d) = civil(days)
        let h = msOfDay / 3_600_000
        let mi = msOfDay / 60_000 % 60
        let s = msOfDay / 1000 % 60
        let ms = msOfDay % 1000
        func pad(_ v: Int64, _ n: Int) -> String {
            let t = String(v)
            return String(repeating: "0", count: max(0, n - t.count)) + t
        }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(h, 2)):\(pad(mi, 2)):\(pad(s, 2)).\(pad(ms, 3))Z"
    }

    /// What Schwab wants for `input` (already matching `pattern`): a bare date becomes the start
    /// (or, with `endOfDay`, the last millisecond) of that UTC day; missing seconds and
    /// milliseconds become zeros, and a missing zone UTC (`Z`).
    static func normalize(_ input: String, endOfDay: Bool) -> String {
        guard input.count > 10 else { return input + (endOfDay ? "T23:59:59.999Z" : "T00:00:00.000Z") }
        var rest = input.dropFirst(11)
        var zone = "Z"
        if rest.hasSuffix("Z") {
            rest = rest.dropLast()
        } else if let sign = rest.lastIndex(where: { $0 == "+" || $0 == "-" }) {
            zone = String(rest[sign...])
            rest = rest[..<sign]
        }
        let parts = rest.split(separator: ".", maxSplits: 1)
        var clock = String(parts.first ?? "00:00")
        if clock.count == 5 { clock += endOfDay ? ":59" : ":00" }
        var millis = parts.count > 1 ? String(parts[1]) : "000"
        while millis.count < 3 { millis += "0" }
        return "\(input.prefix(10))T\(clock).\(millis)\(zone)"
    }

    /// Now, in epoch seconds.
    static var now: Double { Date().timeIntervalSince1970 }

    /// Year, month, day of `days` since 1970-01-01 (Howard Hinnant's civil_from_days).
    static func civil(_ days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
