/// Turns a parsed `wrangler.toml` into a `Config`, collecting every problem instead of stopping
/// at the first, so one run of `config check` lists them all.
///
/// Pure apart from one question it asks the file system (do the TLS files exist?), which is
/// passed in as `fileExists` so tests can answer it with real temporary files.
struct ConfigDecoder {
    var problems: [ConfigProblem] = []
    let baseDirectory: String
    let currentDirectory: String
    let overrides: ConfigOverrides
    let fileExists: (String) -> Bool

    static let topLevelKeys = ["name", "vars", "kv_namespaces", "durable_objects", "migrations", "runtime"]
    /// Wrangler keys we accept and ignore, so a real wrangler file loads.
    static let ignoredWranglerKeys: Set<String> = [
        "main", "compatibility_date", "compatibility_flags", "account_id", "workers_dev", "route", "routes", "env",
        "build", "observability", "triggers", "placement", "limits", "minify", "node_compat", "send_metrics",
        "keep_vars", "logpush", "upload_source_maps", "dev", "site", "assets", "tail_consumers", "r2_buckets",
        "d1_databases", "services", "queues", "ai", "vectorize", "analytics_engine_datasets", "browser",
        "hyperdrive", "version_metadata", "workflows", "rules", "no_bundle", "usage_model", "preview_urls",
    ]

    mutating func decode(_ document: TOMLTable, environment: [String: String]) -> Config? {
        for key in document.keys where !Self.topLevelKeys.contains(key) && !Self.ignoredWranglerKeys.contains(key) {
            problems.append(.unknownKey(key, known: Self.topLevelKeys + ["(or another wrangler key)"]))
        }
        let name = decodeName(document["name"])
        let vars = decodeVars(document["vars"], environment: environment)
        let runtime = decodeRuntime(document["runtime"])
        let kv = decodeKVNamespaces(document["kv_namespaces"], dataDir: runtime?.dataDir)
        let objects = decodeDurableObjects(document["durable_objects"])
        let migrations = decodeMigrations(document["migrations"], classes: objects.map(\.className))
        guard problems.isEmpty, let vars, let runtime else { return nil }
        return Config(
            name: name, vars: vars, kvNamespaces: kv, durableObjects: objects, migrations: migrations,
            runtime: runtime, sourcePath: nil)
    }

    // MARK: Helpers shared by the sections

    /// An absolute path: `path` as is when it starts with `/`, else joined to `base`.
    static func resolve(_ path: String, against base: String) -> String {
        if path.hasPrefix("/") { return normalizePath(path) }
        return normalizePath(base + "/" + path)
    }

    /// Drops `.` and empty parts and folds `..`, so printed paths read cleanly.
    static func normalizePath(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                if !parts.isEmpty { parts.removeLast() }
                continue
            }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }

    mutating func string(_ value: TOMLValue?, _ key: String, expected: String) -> String? {
        guard let value else { return nil }
        guard case .string(let text) = value else {
            problems.append(.invalid(key, expected: expected, received: value.sourceText))
            return nil
        }
        return text
    }

    mutating func table(_ value: TOMLValue?, _ key: String) -> TOMLTable? {
        guard let value else { return nil }
        guard case .table(let table) = value else {
            problems.append(.invalid(key, expected: "a table", received: value.sourceText))
            return nil
        }
        return table
    }

    /// The elements of an array of tables (`[[name]]`), each checked to be a table.
    mutating func tables(_ value: TOMLValue?, _ key: String) -> [(String, TOMLTable)] {
        guard let value else { return [] }
        guard case .array(let items) = value else {
            problems.append(.invalid(key, expected: "an array of tables ([[\(key)]])", received: value.sourceText))
            return []
        }
        var out: [(String, TOMLTable)] = []
        for (index, item) in items.enumerated() {
            let itemKey = "\(key)[\(index)]"
            if case .table(let table) = item {
                out.append((itemKey, table))
            } else {
                problems.append(.invalid(itemKey, expected: "a table", received: item.sourceText))
            }
        }
        return out
    }

    mutating func rejectUnknownKeys(_ table: TOMLTable, in section: String, known: [String], ignored: Set<String> = [])
    {
        for key in table.keys where !known.contains(key) && !ignored.contains(key) {
            problems.append(.unknownKey("\(section).\(key)", known: known))
        }
    }

    /// A list of strings (`["MyMCP"]`).
    mutating func strings(_ value: TOMLValue?, _ key: String) -> [String] {
        guard let value else { return [] }
        guard case .array(let items) = value, items.allSatisfy({ $0.stringValue != nil }) else {
            problems.append(.invalid(key, expected: "an array of strings", received: value.sourceText))
            return []
        }
        return items.compactMap(\.stringValue)
    }

    static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first.properties.isAlphabetic || first == "_" else { return false }
        return text.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_")
        }
    }

    // MARK: name and [vars]

    mutating func decodeName(_ value: TOMLValue?) -> String {
        let expected = "a name of letters, digits and '-'"
        guard let name = string(value, "name", expected: expected) else { return "schwab-mcp" }
        let valid =
            !name.isEmpty && name.count <= 63
            && name.unicodeScalars.allSatisfy {
                $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_")
            }
        if !valid { problems.append(.invalid("name", expected: expected, received: name)) }
        return name
    }

    static let environments = ["development", "staging", "production"]

    mutating func decodeVars(_ value: TOMLValue?, environment: [String: String]) -> Config.Vars? {
        let table = self.table(value, "vars") ?? TOMLTable()
        var texts: [String: String] = [:]
        for (key, value) in table.entries {
            if Secrets.isSecretName(key) {
                problems.append(
                    .invalid(
                        key, expected: "no secret in wrangler.toml (move it to .dev.vars or the environment)",
                        received: LogRedactor.redacted))
                continue
            }
            switch value {
            case .string(let text): texts[key] = text
            case .integer, .float, .boolean: texts[key] = value.sourceText
            default: problems.append(.invalid(key, expected: "a string", received: value.sourceText))
            }
        }
        // As in wrangler dev, the environment (and .dev.vars, merged into it) overrides [vars].
        for name in ["LOG_LEVEL", "ENVIRONMENT"] + TradingVars.names {
            if let text = environment[name], !text.isEmpty { texts[name] = text }
        }
        checkTradingVars(texts)
        var logLevel = LogLevel.info
        if let text = overrides.logLevel ?? texts["LOG_LEVEL"] {
            let key = overrides.logLevel != nil ? "LOG_LEVEL (--log-level)" : "LOG_LEVEL"
            if let level = LogLevel(name: text) {
                logLevel = level
            } else {
                let names = LogLevel.allCases.map(\.description).joined(separator: "|")
                problems.append(.invalid(key, expected: "one of \(names)", received: text))
            }
        }
        let environmentName = texts["ENVIRONMENT"] ?? "development"
        if !Self.environments.contains(environmentName) {
            problems.append(
                .invalid(
                    "ENVIRONMENT", expected: "one of " + Self.environments.joined(separator: "|"),
                    received: environmentName))
        }
        var enableTrading = false
        if let text = texts["ENABLE_TRADING"] {
            if text == "true" || text == "false" {
                enableTrading = text == "true"
            } else {
                problems.append(.invalid("ENABLE_TRADING", expected: "\"true\" or \"false\"", received: text))
            }
        }
        var extra = texts
        for name in ["LOG_LEVEL", "ENVIRONMENT", "ENABLE_TRADING"] { extra[name] = nil }
        return Config.Vars(logLevel: logLevel, environment: environmentName, enableTrading: enableTrading, extra: extra)
    }
}
