import EdgeKV
import Foundation

/// `schwab-mcp kv-cli`: get, put, delete and list keys of a running KV service, like
/// `wrangler kv key ...` does for Workers KV.
///
/// Output is for people and scripts: `get` prints the raw value (or JSON with `--metadata`), the
/// others print one JSON document. Exit status 0 on success, 1 when the service refuses or the key
/// is missing, 2 for a command-line mistake.
enum KVCLICommand {
    static let usage = """
        [--config PATH] [--socket PATH] <command>
          get NAMESPACE KEY [--metadata]
          put NAMESPACE KEY (VALUE | --path FILE) [--ttl SECONDS | --expiration UNIX_SECONDS] [--metadata JSON] [--if-version N]
          delete NAMESPACE KEY [--if-version N]
          list NAMESPACE [--prefix P] [--limit N] [--cursor C]
        """

    static let subcommand = Subcommand(
        name: "kv-cli", summary: "get, put, delete or list keys of a running KV service", usage: usage,
        run: { arguments in
            // The socket defaults to the KV service's in wrangler.toml (<socket_dir>/kv.sock).
            let socketFlag = try arguments.option("socket")
            guard let (config, _) = try ConfigCommand.load(&arguments) else { return 1 }
            let client = KVClient(socketPath: socketFlag ?? config.runtime.socketPath("kv"))
            do {
                return try await run(&arguments, client)
            } catch let error as KVError {
                printError("kv-cli: \(error.code): \(error.message)")
                return 1
            }
        })

    private static func run(_ arguments: inout Arguments, _ client: KVClient) async throws -> Int32 {
        switch arguments.positional() {
        case "get":
            let withMetadata = arguments.flag("metadata")
            let (namespace, key) = try namespaceAndKey(&arguments)
            try arguments.finish()
            guard let entry = try await client.get(namespace: namespace, key: key) else {
                printError("kv-cli: key '\(key)' not found in namespace '\(namespace)'")
                return 1
            }
            if withMetadata {
                var document: [String: Any] = ["value": entry.text, "version": entry.version]
                if let metadata = entry.metadata { document["metadata"] = jsonObject(metadata) }
                if let expiration = entry.expiration { document["expiration"] = expiration }
                try printJSON(document)
            } else {
                FileHandle.standardOutput.write(Data(entry.value))
            }
            return 0
        case "put":
            let ttl = try arguments.intOption("ttl")
            let expiration = try arguments.intOption("expiration")
            let metadata = try arguments.option("metadata")
            let ifVersion = try versionOption(&arguments)
            let path = try arguments.option("path")
            let (namespace, key) = try namespaceAndKey(&arguments)
            let value: [UInt8]
            if let path {
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw ArgumentError(message: "cannot read --path \(path)")
                }
                value = Array(data)
            } else {
                guard let text = arguments.positional() else {
                    throw ArgumentError(message: "put needs a VALUE or --path FILE")
                }
                value = Array(text.utf8)
            }
            try arguments.finish()
            if ttl != nil && expiration != nil { throw ArgumentError(message: "give --ttl or --expiration, not both") }
            if let metadata, jsonObject(metadata) == nil {
                throw ArgumentError(message: "--metadata must be JSON, received '\(metadata)'")
            }
            let expires =
                ttl.map { KVExpiration.ttl(seconds: Int64($0)) } ?? expiration.map { .at(unixSeconds: Int64($0)) }
            let version = try await client.put(
                namespace: namespace, key: key, value: value, expiration: expires, metadata: metadata,
                ifVersion: ifVersion)
            try printJSON(["version": version])
            return 0
        case "delete":
            let ifVersion = try versionOption(&arguments)
            let (namespace, key) = try namespaceAndKey(&arguments)
            try arguments.finish()
            let deleted = try await client.delete(namespace: namespace, key: key, ifVersion: ifVersion)
            try printJSON(["deleted": deleted])
            return 0
        case "list":
            let prefix = try arguments.option("prefix") ?? ""
            let limit = try arguments.intOption("limit")
            let cursor = try arguments.option("cursor")
            guard let namespace = arguments.positional() else { throw ArgumentError(message: "list needs a NAMESPACE") }
            try arguments.finish()
            let page = try await client.list(
                namespace: namespace, prefix: prefix, limit: limit ?? KVLimits.maximumListLimit, cursor: cursor)
            var document: [String: Any] = [
                "keys": page.keys.map { key -> [String: Any] in
                    var item: [String: Any] = ["name": key.name]
                    if let expiration = key.expiration { item["expiration"] = expiration }
                    if let metadata = key.metadata { item["metadata"] = jsonObject(metadata) ?? metadata }
                    return item
                },
                "list_complete": page.listComplete,
            ]
            if let cursor = page.cursor { document["cursor"] = cursor }
            try printJSON(document)
            return 0
        case let other?:
            throw ArgumentError(message: "unknown command '\(other)'; expected get, put, delete or list")
        case nil:
            throw ArgumentError(message: "a command is required: get, put, delete or list")
        }
    }

    private static func namespaceAndKey(_ arguments: inout Arguments) throws -> (String, String) {
        guard let namespace = arguments.positional(), let key = arguments.positional() else {
            throw ArgumentError(message: "a NAMESPACE and a KEY are required")
        }
        return (namespace, key)
    }

    private static func versionOption(_ arguments: inout Arguments) throws -> UInt64? {
        guard let text = try arguments.option("if-version") else { return nil }
        guard let version = UInt64(text) else {
            throw ArgumentError(
                message: "--if-version expects a version number (0 for 'must not exist'), received '\(text)'")
        }
        return version
    }

    private static func jsonObject(_ text: String) -> Any? {
        try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
    }

    private static func printJSON(_ value: Any) throws {
        var data = try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes])
        data.append(0x0A)
        FileHandle.standardOutput.write(data)
    }
}
