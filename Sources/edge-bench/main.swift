// The benchmark driver for scripts/bench: our services measured side by side with their peers.
//
//   edge-bench kv --socket PATH --redis-socket PATH [--clients 1,16] [--seconds 3]
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Reads `--name value` from the command line.
func option(_ name: String, in words: [String]) -> String? {
    guard let index = words.firstIndex(of: "--\(name)"), index + 1 < words.count else { return nil }
    return words[index + 1]
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("edge-bench: \(message)\n".utf8))
    exit(2)
}

let words = Array(CommandLine.arguments.dropFirst())
switch words.first {
case "kv":
    guard let socket = option("socket", in: words), let redis = option("redis-socket", in: words) else {
        fail("usage: edge-bench kv --socket PATH --redis-socket PATH [--clients 1,16] [--seconds 3]")
    }
    let clients = (option("clients", in: words) ?? "1,16").split(separator: ",").compactMap { Int($0) }
    guard !clients.isEmpty, clients.allSatisfy({ $0 > 0 }) else { fail("--clients expects numbers like 1,16") }
    guard let seconds = Double(option("seconds", in: words) ?? "3"), seconds > 0 else {
        fail("--seconds expects a positive number")
    }
    signal(SIGPIPE, SIG_IGN)
    do {
        try await KVBenchmark(socketPath: socket, redisSocketPath: redis, clientCounts: clients, seconds: seconds).run()
    } catch {
        FileHandle.standardError.write(Data("edge-bench kv: \(error)\n".utf8))
        exit(1)
    }
default:
    fail("usage: edge-bench kv --socket PATH --redis-socket PATH [--clients 1,16] [--seconds 3]")
}
