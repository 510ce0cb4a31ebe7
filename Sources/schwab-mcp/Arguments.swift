/// A command line's flags and positional words, consumed as a subcommand reads them.
///
/// Accepts `--name value`, `--name=value` and bare `--name` for booleans. Whatever a subcommand
/// did not read is reported by `finish()`, so a misspelt flag is an error rather than ignored.
struct Arguments {
    private var words: [String]
    private(set) var positionals: [String] = []

    init(_ words: [String]) {
        self.words = words
    }

    /// The value of `--name`, removed from the remaining words; nil when absent.
    mutating func option(_ name: String) throws -> String? {
        for (index, word) in words.enumerated() {
            if word == "--\(name)" {
                guard index + 1 < words.count, !words[index + 1].hasPrefix("--") else {
                    throw ArgumentError(message: "--\(name) needs a value")
                }
                let value = words[index + 1]
                words.removeSubrange(index...index + 1)
                return value
            }
            if word.hasPrefix("--\(name)=") {
                words.remove(at: index)
                return String(word.dropFirst(name.count + 3))
            }
        }
        return nil
    }

    /// The value of `--name` parsed as an integer.
    mutating func intOption(_ name: String) throws -> Int? {
        guard let text = try option(name) else { return nil }
        guard let value = Int(text) else {
            throw ArgumentError(message: "--\(name) expects a whole number, received '\(text)'")
        }
        return value
    }

    /// True when the bare flag `--name` (or `-name`) is present; removes it.
    mutating func flag(_ name: String) -> Bool {
        guard let index = words.firstIndex(where: { $0 == "--\(name)" || $0 == "-\(name)" }) else { return false }
        words.remove(at: index)
        return true
    }

    /// The next positional word, or nil.
    mutating func positional() -> String? {
        guard let index = words.firstIndex(where: { !$0.hasPrefix("-") || $0 == "-" }) else { return nil }
        return words.remove(at: index)
    }

    /// Throws when words remain that no one read.
    func finish() throws {
        if let extra = words.first {
            throw ArgumentError(message: "unexpected argument '\(extra)'")
        }
    }
}

/// A command-line mistake: reported with the usage line and exit status 2.
struct ArgumentError: Error {
    let message: String
}
