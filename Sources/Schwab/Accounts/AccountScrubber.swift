import EdgeCore

/// Removes account numbers and hashes from what a tool returns, putting display names in their place.
///
/// The seed's rule (reference/schwab-mcp-architecture.md, "Account Scrubbing"): a model never
/// sees an account number. Here that covers the hash too. In objects, `accountNumber` and
/// `hashValue` members become one `accountDisplay` member; any string (or whole number) equal to
/// or containing a known number or hash (URLs, error messages, `Location` headers) gets the
/// display name in its place, and so do object keys. An `accountNumber` this map does not know is
/// masked to its last three digits. Pure: the map is the only input.
public struct AccountScrubber: Sendable {
    /// (needle bytes, replacement), longest needle first so a hash is replaced before a number
    /// that might occur inside it.
    let needles: [([UInt8], String)]
    let map: AccountDisplayMap

    /// A scrubber for the accounts of `map`.
    public init(map: AccountDisplayMap) {
        self.map = map
        var pairs: [([UInt8], String)] = []
        for entry in map.entries {
            if !entry.hash.isEmpty {
                pairs.append((Array(entry.hash.utf8), entry.display))
                let lower = entry.hash.lowercased()
                if lower != entry.hash { pairs.append((Array(lower.utf8), entry.display)) }
            }
            if !entry.number.isEmpty { pairs.append((Array(entry.number.utf8), entry.display)) }
        }
        needles = pairs.sorted { $0.0.count > $1.0.count }
    }

    /// A scrubber that knows no accounts: it still rewrites `accountNumber`/`hashValue` members.
    public static let empty = AccountScrubber(map: AccountDisplayMap(entries: []))

    /// `value` with every account number and hash replaced by its display name.
    public func scrub(_ value: JSONValue) -> JSONValue {
        switch value {
        case .null, .bool, .double: return value
        case .int(let n):
            let text = String(n)
            let scrubbed = scrub(text)
            return scrubbed == text ? value : .string(scrubbed)
        case .string(let s): return .string(scrub(s))
        case .array(let items): return .array(items.map(scrub))
        case .object(let members): return .object(scrubMembers(members))
        }
    }

    /// `text` with every known account number and hash replaced by its display name.
    public func scrub(_ text: String) -> String {
        if needles.isEmpty { return text }
        var bytes = Array(text.utf8)
        var changed = false
        for (needle, replacement) in needles where Self.replace(needle, with: Array(replacement.utf8), in: &bytes) {
            changed = true
        }
        return changed ? String(decoding: bytes, as: UTF8.self) : text
    }

    private func scrubMembers(_ members: [(String, JSONValue)]) -> [(String, JSONValue)] {
        var out: [(String, JSONValue)] = []
        out.reserveCapacity(members.count)
        // One accountDisplay per object: one already there wins over ours.
        var shown = members.contains { $0.0 == "accountDisplay" }
        for (key, value) in members {
            if key == "accountNumber" || key == "hashValue" {
                if !shown {
                    out.append(("accountDisplay", .string(display(for: value, isHash: key == "hashValue"))))
                    shown = true
                }
                continue
            }
            out.append((scrub(key), scrub(value)))
        }
        return out
    }

    /// The display for an `accountNumber` or `hashValue` value: the map's, else a masked form.
    func display(for value: JSONValue, isHash: Bool) -> String {
        guard let text = AccountDisplayMap.text(value) else { return "Account" }
        if let entry = isHash ? map.entry(hash: text) : map.entry(number: text) { return entry.display }
        if let entry = map.entry(number: text) ?? map.entry(hash: text) { return entry.display }
        let scrubbed = scrub(text)
        if scrubbed != text { return scrubbed }
        return isHash ? "Account (unknown)" : "Account ..." + String(text.suffix(3))
    }

    /// Replaces every occurrence of `needle` in `bytes`; true when one was found.
    static func replace(_ needle: [UInt8], with replacement: [UInt8], in bytes: inout [UInt8]) -> Bool {
        guard !needle.isEmpty, bytes.count >= needle.count else { return false }
        var out: [UInt8] = []
        var index = 0
        var found = false
        let first = needle[0]
        let last = bytes.count - needle.count
        while index < bytes.count {
            if index <= last, bytes[index] == first, bytes[index..<index + needle.count].elementsEqual(needle) {
                if !found {
                    out.reserveCapacity(bytes.count)
                    out.append(contentsOf: bytes[0..<index])
                    found = true
                }
                out.append(contentsOf: replacement)
                index += needle.count
            } else {
                if found { out.append(bytes[index]) }
                index += 1
            }
        }
        if found { bytes = out }
        return found
    }
}
