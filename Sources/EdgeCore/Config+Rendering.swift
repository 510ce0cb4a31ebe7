/// The resolved configuration as people and scripts read it (`schwab-mcp config check`), with
/// every secret shown as `[REDACTED]` or `(not set)`, never its value.
extension Config {
    /// The configuration and the secrets' presence as a JSON object, keys in file order.
    public func resolvedJSON(secrets: Secrets) -> JSONValue {
        var vars: [(String, JSONValue)] = [
            ("LOG_LEVEL", .string(vars.logLevel.description)),
            ("ENVIRONMENT", .string(self.vars.environment)),
            ("ENABLE_TRADING", .string(self.vars.enableTrading ? "true" : "false")),
        ]
        for key in self.vars.extra.keys.sorted() { vars.append((key, .string(self.vars.extra[key]!))) }
        var runtime: [(String, JSONValue)] = [
            ("public_url", .string(self.runtime.publicURL)),
            ("listen_address", .string(self.runtime.listenAddress)),
            ("port", .int(self.runtime.port)),
            ("tls_certificate", self.runtime.tlsCertificate.map(JSONValue.string) ?? .null),
            ("tls_private_key", self.runtime.tlsPrivateKey.map(JSONValue.string) ?? .null),
            ("hosts", .int(self.runtime.hosts)),
            ("idle_timeout", .string(DurationText.format(self.runtime.idleTimeout))),
            ("socket_dir", .string(self.runtime.socketDir)),
            ("data_dir", .string(self.runtime.dataDir)),
            ("auth", .string(self.runtime.auth.rawValue)),
            ("shutdown_grace", .string(DurationText.format(self.runtime.shutdownGrace))),
        ]
        runtime.append(("tls", .bool(self.runtime.tlsEnabled)))
        let names = Secrets.knownNames + secrets.names.filter { !Secrets.knownNames.contains($0) }
        return [
            "config_file": sourcePath.map(JSONValue.string) ?? .null,
            "name": .string(name),
            "vars": .object(vars),
            "kv_namespaces": .array(
                kvNamespaces.map { ["binding": .string($0.binding), "id": .string($0.id), "path": .string($0.path)] }),
            "durable_objects": [
                "bindings": .array(
                    durableObjects.map { ["name": .string($0.name), "class_name": .string($0.className)] })
            ],
            "migrations": .array(
                migrations.map { migration in
                    [
                        "tag": .string(migration.tag),
                        "new_classes": .array(migration.newClasses.map(JSONValue.string)),
                        "renamed_classes": .array(
                            migration.renamedClasses.map { ["from": .string($0.from), "to": .string($0.to)] }),
                        "deleted_classes": .array(migration.deletedClasses.map(JSONValue.string)),
                    ]
                }),
            "runtime": .object(runtime),
            "secrets": .object(names.map { ($0, .string(Self.secretState($0, secrets))) }),
        ]
    }

    /// The configuration as aligned `key = value` lines grouped by section, for a terminal.
    public func resolvedText(secrets: Secrets) -> String {
        var lines: [String] = []
        func section(_ title: String, _ value: JSONValue) {
            lines.append(title)
            for (key, item) in value.objectValue ?? [] { lines.append("  \(key) = \(Self.plain(item))") }
        }
        let json = resolvedJSON(secrets: secrets)
        lines.append("config_file = \(sourcePath ?? "(none: defaults)")")
        lines.append("name = \(name)")
        section("[vars]", json["vars"]!)
        for (index, namespace) in (json["kv_namespaces"]?.arrayValue ?? []).enumerated() {
            section("[[kv_namespaces]] #\(index + 1)", namespace)
        }
        for (index, binding) in (json["durable_objects"]?["bindings"]?.arrayValue ?? []).enumerated() {
            section("[[durable_objects.bindings]] #\(index + 1)", binding)
        }
        for (index, migration) in (json["migrations"]?.arrayValue ?? []).enumerated() {
            section("[[migrations]] #\(index + 1)", migration)
        }
        section("[runtime]", json["runtime"]!)
        section("secrets (environment or .dev.vars)", json["secrets"]!)
        return lines.joined(separator: "\n")
    }

    private static func secretState(_ name: String, _ secrets: Secrets) -> String {
        guard let source = secrets.source(of: name) else { return "(not set)" }
        return "\(LogRedactor.redacted) (from \(source.rawValue))"
    }

    private static func plain(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): return text
        case .null: return "(not set)"
        case .array(let items): return "[" + items.map(plain).joined(separator: ", ") + "]"
        case .object(let members):
            return "{ " + members.map { "\($0.0) = \(plain($0.1))" }.joined(separator: ", ") + " }"
        default: return value.jsonText
        }
    }
}
