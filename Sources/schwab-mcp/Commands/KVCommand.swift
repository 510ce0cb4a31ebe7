import Dispatch
import EdgeCore
import EdgeKV
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `schwab-mcp kv`: runs the KV service until SIGTERM or SIGINT, then drains and exits 0.
enum KVCommand {
    static let subcommand = Subcommand(
        name: "kv", summary: "serve the KV store (SQLite, WAL) on a Unix socket",
        usage:
            "[--config PATH] [--socket PATH] [--db PATH] [--namespaces A,B] [--sweep-interval SECONDS] [--fsync] "
            + ConfigCommand.flagsUsage,
        run: { arguments in
            // Flags win over wrangler.toml: the socket defaults to <socket_dir>/kv.sock, the
            // database to the file the [[kv_namespaces]] name, the namespaces to their bindings
            // plus the object storage namespace.
            let socketFlag = try arguments.option("socket")
            let databaseFlag = try arguments.option("db")
            let namespacesFlag = try arguments.option("namespaces").map(parseNamespaces)
            let sweepText = try arguments.option("sweep-interval") ?? "30"
            guard let sweep = Double(sweepText), sweep > 0 else {
                throw ArgumentError(
                    message: "--sweep-interval expects a positive number of seconds, received '\(sweepText)'")
            }
            let fsync = arguments.flag("fsync")
            guard let (config, secrets) = try ConfigCommand.load(&arguments) else { return 1 }
            try arguments.finish()
            let socket = socketFlag ?? config.runtime.socketPath("kv")
            let database = databaseFlag ?? config.kvDatabasePath
            let namespaces = namespacesFlag ?? config.kvServedNamespaces
            // Tokens live in this database: nothing the service creates is readable by others.
            // The folders wrangler.toml names are created; paths given as flags must exist.
            umask(0o077)
            try ensureParentDirectories(of: [socketFlag == nil ? socket : nil, databaseFlag == nil ? database : nil])

            let logger = config.makeLogger(label: "kv", secrets: secrets)
            let service = try KVService(
                configuration: KVService.Configuration(
                    socketPath: socket, databasePath: database, namespaces: namespaces, sweepInterval: sweep,
                    fsyncEachCommit: fsync),
                logger: logger)
            signal(SIGPIPE, SIG_IGN)
            let sources = [SIGTERM, SIGINT].map { number in
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler {
                    logger.info("signal received; draining", [("signal", .int(Int(number)))])
                    service.shutdown()
                }
                source.resume()
                return source
            }
            defer { sources.forEach { $0.cancel() } }
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let thread = Thread {
                    do {
                        try service.run()
                        continuation.resume()
                    } catch {
                        continuation.resume(throwing: error)
                    }
                }
                thread.name = "kv-accept"
                thread.start()
            }
            return 0
        })

    /// Creates the folders that will hold the socket and the database, owner-only.
    static func ensureParentDirectories(of paths: [String?]) throws {
        for case let path? in paths {
            let folder = (path as NSString).deletingLastPathComponent
            guard !folder.isEmpty else { continue }
            try FileManager.default.createDirectory(
                atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
    }

    /// `A,B` to `["A", "B"]`, refusing empty names.
    static func parseNamespaces(_ text: String) throws -> [String] {
        let names = text.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        guard !names.contains(where: \.isEmpty) else {
            throw ArgumentError(message: "--namespaces expects names separated by commas, received '\(text)'")
        }
        return names
    }
}
