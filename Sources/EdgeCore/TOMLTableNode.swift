/// A table while a TOML document is being parsed: it remembers how it came to exist, because
/// TOML 1.0 decides what may extend or redefine a table from that history.
///
/// Confined to one `TOMLParser` run and never shared, hence a plain class.
final class TOMLTableNode {
    /// How a table came to exist (TOML 1.0 "Table" and "Keys" sections).
    enum Origin {
        /// Created on the way to a deeper header (`[a.b.c]` creates `a` and `a.b`); may be defined later.
        case implicit
        /// Defined by its own `[header]` or as an element of `[[array]]`; may not be defined again.
        case header
        /// Created by a dotted key (`a.b = 1` creates `a`); only dotted keys may add to it.
        case dotted
        /// An inline table `{ ... }`: closed once written.
        case inline
    }

    /// One member of a table under construction.
    enum Entry {
        case value(TOMLValue)
        case table(TOMLTableNode)
        case tableArray([TOMLTableNode])
    }

    var origin: Origin
    private(set) var keys: [String] = []
    private(set) var entries: [String: Entry] = [:]

    init(origin: Origin) {
        self.origin = origin
    }

    subscript(key: String) -> Entry? {
        get { entries[key] }
        set {
            if entries.updateValue(newValue!, forKey: key) == nil { keys.append(key) }
        }
    }

    /// The finished, immutable table.
    func build() -> TOMLTable {
        var table = TOMLTable()
        for key in keys {
            switch entries[key]! {
            case .value(let value): table[key] = value
            case .table(let node): table[key] = .table(node.build())
            case .tableArray(let nodes): table[key] = .array(nodes.map { .table($0.build()) })
            }
        }
        return table
    }
}
