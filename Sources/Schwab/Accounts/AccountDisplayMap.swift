import EdgeCore

/// The user's accounts as tools show them: each plain number and hash paired with a display name
/// such as `Individual ...123`, built from `GET /accounts/accountNumbers` and `GET /userPreference`.
///
/// The seed (reference/schwab-api.md §8, §11) shows `"<nickName> <displayAcctId>"` instead of the
/// number, so a model never sees an account number or hash, and tools take the display name back
/// as input (`resolve`). Pure: no I/O, built from the two JSON bodies.
public struct AccountDisplayMap: Sendable, Equatable {
    /// One account: its plain number, its hash (the `{accountNumber}` path value) and its display.
    public struct Entry: Sendable, Equatable {
        /// The plain account number (sensitive: bodies only, never shown).
        public var number: String
        /// The encrypted id Schwab wants in URLs (sensitive: never shown).
        public var hash: String
        /// The nickname from the user preference (`Individual`), or the account type.
        public var nickName: String
        /// What tools show: `Individual ...123`.
        public var display: String

        /// An entry from its parts.
        public init(number: String, hash: String, nickName: String, display: String) {
            self.number = number
            self.hash = hash
            self.nickName = nickName
            self.display = display
        }
    }

    /// The accounts, in the order `accountNumbers` lists them.
    public let entries: [Entry]

    /// A map over these entries as given.
    public init(entries: [Entry]) { self.entries = entries }

    /// The map from Schwab's two answers: `accountNumbers` (an array of `{accountNumber, hashValue}`)
    /// and the user preference (one object, or a one-element array, with `accounts[]` holding
    /// `accountNumber`, `nickName`, `displayAcctId`). An account without a preference entry shows
    /// as `Account ...123`; two accounts that would show alike get their last four digits.
    public init(accountNumbers: JSONValue, userPreference: JSONValue) {
        var preference = userPreference
        if case .array(let items) = userPreference { preference = items.first ?? .null }
        var nicknames: [String: (nick: String, suffix: String?)] = [:]
        if case .array(let accounts)? = preference["accounts"] {
            for account in accounts {
                guard let number = Self.text(account["accountNumber"]) else { continue }
                let nick = account["nickName"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
                let type = account["type"]?.stringValue
                let suffix = account["displayAcctId"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
                nicknames[number] = (nick ?? type.map(Self.titleCased) ?? "Account", suffix)
            }
        }
        var entries: [Entry] = []
        if case .array(let pairs) = accountNumbers {
            for pair in pairs {
                guard let number = Self.text(pair["accountNumber"]), let hash = pair["hashValue"]?.stringValue else {
                    continue
                }
                let known = nicknames[number]
                let nick = known?.nick ?? "Account"
                let suffix = known?.suffix ?? "..." + String(number.suffix(3))
                entries.append(Entry(number: number, hash: hash, nickName: nick, display: "\(nick) \(suffix)"))
            }
        }
        self.entries = Self.disambiguated(entries)
    }

    /// The display names, in order.
    public var displayNames: [String] { entries.map(\.display) }

    /// The entry whose plain number is `number`.
    public func entry(number: String) -> Entry? { entries.first { $0.number == number } }

    /// The entry whose hash is `hash`.
    public func entry(hash: String) -> Entry? { entries.first { $0.hash == hash } }

    /// Gives two accounts that would show alike their last four digits (then their position).
    static func disambiguated(_ entries: [Entry]) -> [Entry] {
        var out = entries
        var counts: [String: Int] = [:]
        for entry in entries { counts[entry.display.lowercased(), default: 0] += 1 }
        for index in out.indices where counts[out[index].display.lowercased()]! > 1 {
            out[index].display = "\(out[index].nickName) ...\(out[index].number.suffix(4))"
        }
        var seen: Set<String> = []
        for index in out.indices {
            var name = out[index].display
            var n = 2
            while seen.contains(name.lowercased()) {
                name = "\(out[index].display) #\(n)"
                n += 1
            }
            out[index].display = name
            seen.insert(name.lowercased())
        }
        return out
    }

    /// A string or a whole number as text (`Order.accountNumber` is an int64 in the spec).
    static func text(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let s)?: return s.isEmpty ? nil : s
        case .int(let n)?: return String(n)
        case .double(let d)?: return Int64(exactly: d).map { String($0) }
        default: return nil
        }
    }

    static func titleCased(_ word: String) -> String {
        word.prefix(1).uppercased() + word.dropFirst().lowercased()
    }
}
