import EdgeCore
import Foundation

/// The Trader API's timestamps, `yyyy-MM-dd'T'HH:mm:ss.SSSZ` such as `2024-03-29T00:00:00.000Z`
/// (reference/schwab-api.md §3), made from epoch seconds or from what a model typed.
enum TraderTimestamp {
    /// A regular expression tools declare for these inputs: a date, or a date and time.
    static let pattern = #"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?)?$"#

    /// The timestamp of `seconds` since the epoch, in UTC with milliseconds.
    static func format(_ seconds: Double) -> String { CivilTime.iso8601(epochSeconds: seconds) }

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
}
