import EdgeCore
import EdgeKV
import SchwabTools

/// `schwab-mcp audit`: lists the trading audit log (previews, confirmations, declines, orders
/// placed, replaced and cancelled, refusals, Schwab errors) from a running KV service, oldest first.
///
/// Entries hold account display names only (`Individual ...123`), never numbers or hashes, so the
/// output can be pasted into a ticket as is. Exit 0 on success, 1 when the KV service cannot be
/// reached, 2 for a command-line mistake.
enum AuditCommand {
    static let usage = "[--config PATH] [--socket PATH] [--namespace OAUTH_KV] [--user USER] [--limit N] [--json]"

    static let subcommand = Subcommand(
        name: "audit", summary: "list the trading audit log (newest N entries, oldest first)", usage: usage,
        run: { arguments in
            let socketFlag = try arguments.option("socket")
            let namespace = try arguments.option("namespace") ?? "OAUTH_KV"
            let user = try arguments.option("user")
            let limit = try arguments.intOption("limit") ?? 100
            let asJSON = arguments.flag("json")
            guard limit > 0 else {
                throw ArgumentError(message: "--limit must be greater than zero, received \(limit)")
            }
            guard let (config, _) = try ConfigCommand.load(&arguments) else { return 1 }
            try arguments.finish()
            let client = KVClient(socketPath: socketFlag ?? config.runtime.socketPath("kv"))
            let entries: [AuditEntry]
            do {
                entries = try await AuditLog(kv: client, namespace: namespace).list(user: user, limit: limit)
            } catch let error as KVError {
                printError("audit: cannot read the audit log: \(error.code): \(error.message)")
                return 1
            }
            if asJSON {
                print(JSONValue.array(entries.map(\.json)).prettyJSONText)
            } else if entries.isEmpty {
                print("no trading activity recorded" + (user.map { " for user \($0)" } ?? ""))
            } else {
                for entry in entries { print(entry.line) }
            }
            return 0
        })
}
