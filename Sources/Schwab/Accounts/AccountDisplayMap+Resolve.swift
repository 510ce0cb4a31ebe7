/// Why an account given to a tool could not be found: the name matched none, or more than one.
///
/// The message lists the display names that exist (never numbers or hashes), so the model can
/// call again with one of them.
public struct AccountResolutionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `unknown_account` or `ambiguous_account`.
    public var code: String
    /// What was wrong and which names exist.
    public var message: String
    /// The display names the user has, for tools that return them as data.
    public var knownAccounts: [String]

    /// The message.
    public var description: String { message }
}

extension AccountDisplayMap {
    /// The account `input` names: its display name (`Individual ...123`), its nickname
    /// (`Individual`), its last digits (`123` or `...123`), or (for prompts written for the seed)
    /// its hash. Case and surrounding spaces do not matter.
    public func resolve(_ input: String) throws(AccountResolutionError) -> Entry {
        let wanted = input.trimmingSpaces.lowercased()
        if wanted.isEmpty { throw unknown(input) }
        if let exact = entries.first(where: { $0.display.lowercased() == wanted }) { return exact }
        if let byHash = entries.first(where: { $0.hash.lowercased() == wanted }) { return byHash }
        var candidates = entries.filter { $0.nickName.lowercased() == wanted }
        if candidates.isEmpty {
            var digits = Substring(wanted)
            while digits.first == "." { digits = digits.dropFirst() }
            digits = Substring(digits.trimmingSpaces)
            if !digits.isEmpty, digits.allSatisfy(\.isNumber) {
                candidates = entries.filter { $0.number.hasSuffix(digits) }
            }
        }
        if candidates.isEmpty {
            // "Individual 123" or "individual...123": a nickname and digits without the exact spacing.
            let squeezed = Self.squeeze(wanted)
            candidates = entries.filter { Self.squeeze($0.display.lowercased()) == squeezed }
        }
        switch candidates.count {
        case 1: return candidates[0]
        case 0: throw unknown(input)
        default:
            throw AccountResolutionError(
                code: "ambiguous_account",
                message: "account \"\(Self.quoted(input))\" matches more than one account: "
                    + candidates.map(\.display).joined(separator: ", ") + ". Use the full display name.",
                knownAccounts: displayNames)
        }
    }

    private func unknown(_ input: String) -> AccountResolutionError {
        let names = displayNames
        let list = names.isEmpty ? "this sign-in has no accounts" : "the accounts are: " + names.joined(separator: ", ")
        return AccountResolutionError(
            code: "unknown_account",
            message: "account \"\(Self.quoted(input))\" is not one of this user's accounts; \(list)",
            knownAccounts: names)
    }

    /// The input as echoed in an error: at most 40 characters, digit runs masked past their last
    /// three (a full account number typed by the user is not repeated back).
    static func quoted(_ input: String) -> String {
        var out = ""
        var run = ""
        func flush() {
            out += run.count > 4 ? String(repeating: "*", count: run.count - 3) + run.suffix(3) : run
            run = ""
        }
        for ch in input.prefix(40) {
            if ch.isNumber {
                run.append(ch)
            } else {
                flush()
                out.append(ch)
            }
        }
        flush()
        return out
    }

    static func squeeze(_ text: String) -> String { text.filter { !" .-()".contains($0) } }
}

extension StringProtocol {
    /// Without leading and trailing spaces, tabs and newlines.
    var trimmingSpaces: String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice = slice.dropFirst() }
        while let last = slice.last, last.isWhitespace { slice = slice.dropLast() }
        return String(slice)
    }
}
