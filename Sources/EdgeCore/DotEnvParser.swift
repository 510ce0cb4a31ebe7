/// Reads a `.dev.vars` file (dotenv syntax, as wrangler reads it): `KEY=value` lines, optional
/// `export ` prefix, `#` comments, single-quoted (literal) and double-quoted (with `\n`, `\t`,
/// `\"`, `\\` escapes) values, and ` #` comments after an unquoted value.
///
/// Problems name the line but never echo a value: the file holds secrets.
public enum DotEnvParser {
    /// One entry: the name, its value, and the line it came from.
    public struct Entry: Sendable, Equatable {
        /// The variable name.
        public let name: String
        /// The value, unquoted and unescaped.
        public let value: String
        /// The line it was on, from 1.
        public let line: Int
    }

    /// The entries of `text` in order, and a problem for every line that could not be read.
    public static func parse(
        _ text: String, fileName: String = ".dev.vars"
    ) -> (
        entries: [Entry], problems: [ConfigProblem]
    ) {
        var entries: [Entry] = []
        var problems: [ConfigProblem] = []
        var lineNumber = 0
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNumber += 1
            var line = Substring(rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine)
            line = line.drop { $0 == " " || $0 == "\t" }
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = line.dropFirst(7).drop { $0 == " " || $0 == "\t" } }
            let where_ = "\(fileName) line \(lineNumber)"
            guard let equals = line.firstIndex(of: "=") else {
                problems.append(ConfigProblem(key: where_, message: "expected NAME=value"))
                continue
            }
            let name = String(line[..<equals].trimmingBlanks())
            guard Self.isName(name) else {
                problems.append(
                    ConfigProblem(key: where_, message: "expected a name of letters, digits and '_' before '='"))
                continue
            }
            switch Self.value(line[line.index(after: equals)...]) {
            case .success(let value): entries.append(Entry(name: name, value: value, line: lineNumber))
            case .failure(let message): problems.append(ConfigProblem(key: where_, message: message.text))
            }
        }
        return (entries, problems)
    }

    struct Message: Error {
        let text: String
    }

    static func isName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy {
            ("A"..."Z").contains($0) || ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_"
        }
    }

    private static func value(_ raw: Substring) -> Result<String, Message> {
        let text = raw.drop { $0 == " " || $0 == "\t" }
        guard let quote = text.first, quote == "\"" || quote == "'" else {
            // Unquoted: up to a comment that follows whitespace, trailing blanks dropped.
            var out = ""
            var previous: Character = " "
            for character in text {
                if character == "#" && (previous == " " || previous == "\t") { break }
                out.append(character)
                previous = character
            }
            return .success(String(Substring(out).trimmingBlanks()))
        }
        var out = ""
        var index = text.index(after: text.startIndex)
        while index < text.endIndex {
            let character = text[index]
            if character == quote {
                let rest = text[text.index(after: index)...].trimmingBlanks()
                guard rest.isEmpty || rest.hasPrefix("#") else {
                    return .failure(Message(text: "unexpected text after the closing quote"))
                }
                return .success(out)
            }
            if character == "\\" && quote == "\"" {
                index = text.index(after: index)
                guard index < text.endIndex else { break }
                switch text[index] {
                case "n": out.append("\n")
                case "t": out.append("\t")
                case "r": out.append("\r")
                case "\"": out.append("\"")
                case "\\": out.append("\\")
                default:
                    out.append("\\")
                    out.append(text[index])
                }
            } else {
                out.append(character)
            }
            index = text.index(after: index)
        }
        return .failure(Message(text: "unterminated quoted value: expected \(quote)"))
    }
}

extension Substring {
    /// The text without leading and trailing spaces and tabs.
    func trimmingBlanks() -> Substring {
        var text = self
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return text
    }
}
