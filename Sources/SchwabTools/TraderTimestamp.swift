import EdgeCore
import Foundation
import MCP

/// The Trader API's timestamps, `yyyy-MM-dd'T'HH:mm:ss.SSSZ` such as `2024-03-29T00:00:00.000Z`
/// (reference/schwab-api.md §3), made from epoch seconds or from what a model typed.
///
/// A caller may type a date, a date and time with or without seconds, fraction and zone, or
/// send epoch milliseconds; everything goes to Schwab in UTC, as the original server sent it.
enum TraderTimestamp {
    /// A regular expression tools declare for these inputs: a date, or a date and time.
    static let pattern =
        #"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])([T ]([01]\d|2[0-3]):[0-5]\d(:([0-5]\d|60)(\.\d+)?)?"#
        + #"(Z|[+-]\d{2}:?\d{2})?)?$"#

    /// A timestamp parameter of a Trader listing: the forms above, epoch milliseconds, and an
    /// empty string for the default (the original server took `""` so).
    static func parameter(_ name: String, description: String) -> ToolParameter {
        ToolParameter(
            name,
            .string(description: description, pattern: "^$|" + pattern, format: "date-time").accepting(
                epochMillisForm),
            required: false)
    }

    /// Epoch milliseconds, written as the timestamp they are.
    static let epochMillisForm = AcceptedForm(
        words: "milliseconds since the epoch",
        schema: { _ in .object([("type", "integer"), ("minimum", 0), ("description", "Milliseconds since the epoch.")])
        },
        convert: { value, _ in
            guard let millis = value.intValue, millis >= 0 else { return nil }
            return .string(format(Double(millis) / 1000))
        })

    /// The value of a timestamp parameter as Schwab wants it, or nil when absent or empty.
    static func argument(_ call: SchwabToolCall, _ name: String, endOfDay: Bool) -> String? {
        guard let text = call.arguments.string(name), !text.isEmpty else { return nil }
        return normalize(text, endOfDay: endOfDay)
    }

    /// The timestamp of `seconds` since the epoch, in UTC with milliseconds.
    static func format(_ seconds: Double) -> String { CivilTime.iso8601(epochSeconds: seconds) }

    /// What Schwab wants for `input` (already matching `pattern`), in UTC: a bare date becomes
    /// the start (or, with `endOfDay`, the last millisecond) of that UTC day; a time without
    /// seconds the start (or last second) of its minute.
    static func normalize(_ input: String, endOfDay: Bool) -> String {
        guard let millis = epochMillis(input, endOfDay: endOfDay) else { return input }
        return format(Double(millis) / 1000)
    }

    /// Milliseconds since the epoch of `input` in any of the forms of `pattern`; nil for any
    /// other text (the parser accepts exactly what the pattern matches).
    static func epochMillis(_ input: String, endOfDay: Bool) -> Int? {
        let text = Array(input.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= text.count, !range.isEmpty else { return nil }
            var value = 0
            for byte in text[range] {
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard text.count >= 10, text[4] == 0x2D, text[7] == 0x2D, let year = number(0..<4), let month = number(5..<7),
            let day = number(8..<10), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        let midnight = CivilTime.daysSinceEpoch(year: year, month: month, day: day) * 86_400_000
        if text.count == 10 { return midnight + (endOfDay ? 86_399_999 : 0) }
        guard text.count >= 16, text[10] == 0x54 || text[10] == 0x20, text[13] == 0x3A, let hour = number(11..<13),
            let minute = number(14..<16), hour < 24, minute < 60
        else { return nil }
        var index = 16
        var second = endOfDay ? 59 : 0
        var millis = 0
        if index < text.count, text[index] == 0x3A {
            guard let value = number(index + 1..<index + 3), value < 61 else { return nil }
            second = value
            index += 3
            if index < text.count, text[index] == 0x2E {
                var end = index + 1
                while end < text.count, text[end] >= 0x30, text[end] <= 0x39 { end += 1 }
                guard end > index + 1 else { return nil }
                let digits = String(decoding: text[(index + 1)..<min(end, index + 4)], as: UTF8.self)
                millis = (Int(digits) ?? 0) * [100, 10, 1][digits.count - 1]
                index = end
            }
        }
        var offset = 0
        if index < text.count {
            if text[index] == 0x5A, index + 1 == text.count {
                offset = 0
            } else if text[index] == 0x2B || text[index] == 0x2D {
                let colon = index + 3 < text.count && text[index + 3] == 0x3A
                let minutesAt = index + (colon ? 4 : 3)
                guard minutesAt + 2 == text.count, let hours = number(index + 1..<index + 3),
                    let minutes = number(minutesAt..<minutesAt + 2)
                else { return nil }
                offset = (hours * 60 + minutes) * 60_000 * (text[index] == 0x2D ? -1 : 1)
            } else {
                return nil
            }
        }
        return midnight + ((hour * 60 + minute) * 60 + second) * 1000 + millis - offset
    }

    /// Now, in epoch seconds.
    static var now: Double { Date().timeIntervalSince1970 }
}
