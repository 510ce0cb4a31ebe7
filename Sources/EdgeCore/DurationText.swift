/// Reads durations as operators write them in `wrangler.toml`: `"30s"`, `"10m"`, `"1h"`, `"500ms"`,
/// combinations such as `"1h30m"`, or a whole number of seconds.
public enum DurationText {
    /// The duration `text` names, or nil when it is not one.
    public static func parse(_ text: String) -> Duration? {
        if let seconds = Int(text), seconds >= 0 { return .seconds(seconds) }
        var total: Duration = .zero
        var number = 0
        var digits = 0
        var sawUnit = false
        var scalars = Array(text.unicodeScalars)[...]
        while let scalar = scalars.first {
            if let digit = Int(String(scalar)), scalar.isASCII {
                let (times10, overflow1) = number.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times10.addingReportingOverflow(digit)
                guard !overflow1, !overflow2, sum <= 1_000_000_000 else { return nil }
                number = sum
                digits += 1
                scalars = scalars.dropFirst()
                continue
            }
            guard digits > 0 else { return nil }
            let unit: Duration
            if scalars.starts(with: "ms".unicodeScalars) {
                unit = .milliseconds(number)
                scalars = scalars.dropFirst(2)
            } else {
                switch scalar {
                case "s": unit = .seconds(number)
                case "m": unit = .seconds(number * 60)
                case "h": unit = .seconds(number * 3600)
                case "d": unit = .seconds(number * 86400)
                default: return nil
                }
                scalars = scalars.dropFirst()
            }
            total += unit
            number = 0
            digits = 0
            sawUnit = true
        }
        guard sawUnit, digits == 0 else { return nil }
        return total
    }

    /// A duration written back the short way (`600s` becomes `"10m"`), for `config check`.
    public static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        if attoseconds != 0 { return "\(seconds * 1000 + attoseconds / 1_000_000_000_000_000)ms" }
        if seconds != 0 && seconds % 3600 == 0 { return "\(seconds / 3600)h" }
        if seconds != 0 && seconds % 60 == 0 { return "\(seconds / 60)m" }
        return "\(seconds)s"
    }
}
