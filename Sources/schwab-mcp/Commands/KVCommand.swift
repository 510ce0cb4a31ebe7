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
            "--socket PATH --db PATH [--namespaces A,B] [--sweep-interval SECONDS] [--fsync] [--log-level LEVEL]",
        run: { arguments in
            guard let socket = try arguments.option("socket") else {
                throw ArgumentError(message: "--socket is required")
            }
            guard let database = try arguments.option("db") else { throw ArgumentError(message: "--db is required") }
            let namespaces = try arguments.option("namespaces").map(parseNamespaces) ?? []
            let sweepText = try arguments.option("sweep-interval") ?? "30"
            guard let sweep = Double(sweepText), sweep > 0 else {
                throw ArgumentError(
                    message: "--sweep-interval expects a positive number of seconds, received '\(sweepText)'")
            }
            let fsync = arguments.flag("fsync")
            let levelName =
                try arguments.option("log-level") ?? ProcessInfo.processInfo.environment["LOG_LEVEL"] ?? "info"
            guard let level = LogLevel(name: levelName) else {
                throw ArgumentError(
                    message:
                        "--log-level expects one of \(LogLevel.allCases.map(\.description)), received '\(levelName)'")
            }
            try arguments.finish()

            let logger = Logger(label: "kv", level: level)
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
