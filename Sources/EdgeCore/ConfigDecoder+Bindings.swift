/// `[[kv_namespaces]]`, `[[durable_objects.bindings]]` and `[[migrations]]`, in wrangler's format.
extension ConfigDecoder {
    static let kvKeys = ["binding", "id", "path"]
    static let objectKeys = ["name", "class_name"]
    static let migrationKeys = ["tag", "new_classes", "new_sqlite_classes", "renamed_classes", "deleted_classes"]

    mutating func decodeKVNamespaces(_ value: TOMLValue?, dataDir: String?) -> [Config.KVNamespace] {
        let dataDir = dataDir ?? baseDirectory
        guard value != nil else {
            return [Config.KVNamespace(binding: "OAUTH_KV", id: "oauth-kv", path: dataDir + "/kv.sqlite")]
        }
        let before = problems.count
        var namespaces: [Config.KVNamespace] = []
        for (key, table) in tables(value, "kv_namespaces") {
            rejectUnknownKeys(table, in: key, known: Self.kvKeys, ignored: ["preview_id"])
            let bindingExpected = "a binding name of letters, digits and '_' (such as OAUTH_KV)"
            guard let binding = string(table["binding"], "\(key).binding", expected: bindingExpected) else {
                if table["binding"] == nil { problems.append(.missing("\(key).binding", expected: bindingExpected)) }
                continue
            }
            if !Self.isIdentifier(binding) {
                problems.append(.invalid("\(key).binding", expected: bindingExpected, received: binding))
            }
            if namespaces.contains(where: { $0.binding == binding }) {
                problems.append(.invalid("\(key).binding", expected: "a binding not used before", received: binding))
            }
            let id = string(table["id"], "\(key).id", expected: "a namespace id") ?? binding.lowercased()
            if id.isEmpty { problems.append(.invalid("\(key).id", expected: "a non-empty namespace id", received: id)) }
            let file = string(table["path"], "\(key).path", expected: "a file path") ?? "kv.sqlite"
            if file.isEmpty || file.hasSuffix("/") {
                problems.append(.invalid("\(key).path", expected: "a file path", received: file))
            }
            let path = Self.resolve(file, against: dataDir)
            // The KV service owns one SQLite database; every namespace lives in it, keyed apart.
            if let first = namespaces.first, first.path != path {
                problems.append(
                    .invalid(
                        "\(key).path",
                        expected: "the KV service's one database, '\(first.path)' (as for \(first.binding))",
                        received: file))
            }
            namespaces.append(Config.KVNamespace(binding: binding, id: id, path: path))
        }
        if !namespaces.contains(where: { $0.binding == "OAUTH_KV" }) && problems.count == before {
            problems.append(
                .invalid(
                    "kv_namespaces", expected: "a namespace with binding 'OAUTH_KV'",
                    received: namespaces.map(\.binding).joined(separator: ", ")))
        }
        return namespaces
    }

    mutating func decodeDurableObjects(_ value: TOMLValue?) -> [Config.DurableObjectBinding] {
        guard value != nil else { return [Config.DurableObjectBinding(name: "MCP_OBJECT", className: "MyMCP")] }
        guard let section = table(value, "durable_objects") else { return [] }
        rejectUnknownKeys(section, in: "durable_objects", known: ["bindings"])
        var bindings: [Config.DurableObjectBinding] = []
        for (key, table) in tables(section["bindings"], "durable_objects.bindings") {
            rejectUnknownKeys(table, in: key, known: Self.objectKeys, ignored: ["script_name", "environment"])
            let nameExpected = "a binding name of letters, digits and '_' (such as MCP_OBJECT)"
            let classExpected = "a class name of letters, digits and '_' (such as MyMCP)"
            let name = string(table["name"], "\(key).name", expected: nameExpected)
            let className = string(table["class_name"], "\(key).class_name", expected: classExpected)
            if table["name"] == nil { problems.append(.missing("\(key).name", expected: nameExpected)) }
            if table["class_name"] == nil { problems.append(.missing("\(key).class_name", expected: classExpected)) }
            if let name, !Self.isIdentifier(name) {
                problems.append(.invalid("\(key).name", expected: nameExpected, received: name))
            }
            if let className, !Self.isIdentifier(className) {
                problems.append(.invalid("\(key).class_name", expected: classExpected, received: className))
            }
            if let name, bindings.contains(where: { $0.name == name }) {
                problems.append(.invalid("\(key).name", expected: "a binding not used before", received: name))
            }
            if let name, let className {
                bindings.append(Config.DurableObjectBinding(name: name, className: className))
            }
        }
        return bindings
    }

    /// Wrangler requires each class to be created by a migration; with no `[[migrations]]` at
    /// all, one `v1` migration creating every bound class is assumed.
    mutating func decodeMigrations(_ value: TOMLValue?, classes: [String]) -> [Config.Migration] {
        guard value != nil else {
            return classes.isEmpty
                ? [] : [Config.Migration(tag: "v1", newClasses: classes, renamedClasses: [], deletedClasses: [])]
        }
        var migrations: [Config.Migration] = []
        for (key, table) in tables(value, "migrations") {
            rejectUnknownKeys(table, in: key, known: Self.migrationKeys, ignored: ["transferred_classes"])
            guard let tag = string(table["tag"], "\(key).tag", expected: "a tag such as \"v1\"") else {
                if table["tag"] == nil { problems.append(.missing("\(key).tag", expected: "a tag such as \"v1\"")) }
                continue
            }
            if migrations.contains(where: { $0.tag == tag }) {
                problems.append(.invalid("\(key).tag", expected: "a tag not used before", received: tag))
            }
            var renames: [Config.Migration.Rename] = []
            if let value = table["renamed_classes"] {
                let items = value.arrayValue ?? []
                for (index, item) in items.enumerated() {
                    if let from = item.tableValue?["from"]?.stringValue, let to = item.tableValue?["to"]?.stringValue,
                        item.tableValue?.count == 2
                    {
                        renames.append(Config.Migration.Rename(from: from, to: to))
                    } else {
                        problems.append(
                            .invalid(
                                "\(key).renamed_classes[\(index)]", expected: "{ from = \"Old\", to = \"New\" }",
                                received: item.sourceText))
                    }
                }
                if value.arrayValue == nil {
                    problems.append(
                        .invalid("\(key).renamed_classes", expected: "an array of tables", received: value.sourceText))
                }
            }
            migrations.append(
                Config.Migration(
                    tag: tag,
                    newClasses: strings(table["new_classes"], "\(key).new_classes")
                        + strings(table["new_sqlite_classes"], "\(key).new_sqlite_classes"),
                    renamedClasses: renames,
                    deletedClasses: strings(table["deleted_classes"], "\(key).deleted_classes")))
        }
        var live = Set<String>()
        for migration in migrations {
            live.formUnion(migration.newClasses)
            for rename in migration.renamedClasses {
                live.remove(rename.from)
                live.insert(rename.to)
            }
            live.subtract(migration.deletedClasses)
        }
        for (index, className) in classes.enumerated() where !live.contains(className) {
            problems.append(
                .invalid(
                    "durable_objects.bindings[\(index)].class_name",
                    expected: "a class created by a [[migrations]] entry (new_classes or renamed_classes)",
                    received: className))
        }
        return migrations
    }
}
