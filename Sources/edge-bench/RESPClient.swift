import CShims

#if canImport(Glibc)
    import Glibc
#endif

/// A minimal blocking Redis client over a Unix socket, speaking RESP2 (redis.io/docs/reference/protocol-spec).
///
/// Just enough for the benchmark's peer measurements: send one command, read one reply. Used by
/// one benchmark thread at a time.
final class RESPClient {
    /// A decoded reply.
    enum Reply: Equatable {
        case simple(String)
        case error(String)
        case integer(Int)
        case bulk([UInt8]?)
        case array([Reply])
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private let fd: Int32
    private var buffer: [UInt8] = []
    private var index = 0
    private var chunk = [UInt8](repeating: 0, count: 64 * 1024)

    init(socketPath: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        _ = cshims_unix_address(socketPath, &address)  // a path that does not fit fails the connect
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard rc == 0 else {
            close(fd)
            throw Failure(description: "cannot connect to redis at \(socketPath): \(String(cString: strerror(errno)))")
        }
    }

    deinit { close(fd) }

    /// Sends one command (as a RESP array of bulk strings) and returns its reply.
    func command(_ words: [[UInt8]]) throws -> Reply {
        var out: [UInt8] = []
        out.reserveCapacity(64 + words.reduce(0) { $0 + $1.count })
        out += Array("*\(words.count)\r\n".utf8)
        for word in words {
            out += Array("$\(word.count)\r\n".utf8)
            out += word
            out += [13, 10]
        }
        var offset = 0
        while offset < out.count {
            let n = out.withUnsafeBytes { send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw Failure(description: "redis write failed: \(String(cString: strerror(errno)))") }
            offset += n
        }
        return try reply()
    }

    func command(_ words: String...) throws -> Reply { try command(words.map { Array($0.utf8) }) }

    private func reply() throws -> Reply {
        let line = try readLine()
        guard let kind = line.first else { throw Failure(description: "empty reply line") }
        let rest = String(decoding: line.dropFirst(), as: UTF8.self)
        switch kind {
        case UInt8(ascii: "+"): return .simple(rest)
        case UInt8(ascii: "-"): return .error(rest)
        case UInt8(ascii: ":"): return .integer(Int(rest) ?? 0)
        case UInt8(ascii: "$"):
            guard let count = Int(rest) else { throw Failure(description: "bad bulk length \(rest)") }
            if count < 0 { return .bulk(nil) }
            try fill(count + 2)
            defer { index += count + 2 }
            return .bulk(Array(buffer[index..<index + count]))
        case UInt8(ascii: "*"):
            guard let count = Int(rest) else { throw Failure(description: "bad array length \(rest)") }
            if count < 0 { return .array([]) }
            var items: [Reply] = []
            items.reserveCapacity(count)
            for _ in 0..<count { items.append(try reply()) }
            return .array(items)
        default:
            throw Failure(description: "unknown reply type \(kind)")
        }
    }

    private func readLine() throws -> ArraySlice<UInt8> {
        var scanned = 0  // bytes after `index` already searched; `index` moves when the buffer compacts
        while true {
            var scan = index + scanned
            while scan + 1 < buffer.count {
                if buffer[scan] == 13 && buffer[scan + 1] == 10 {
                    let line = buffer[index..<scan]
                    index = scan + 2
                    return line
                }
                scan += 1
            }
            scanned = scan - index
            try receiveMore()
        }
    }

    private func fill(_ count: Int) throws {
        while buffer.count - index < count { try receiveMore() }
    }

    private func receiveMore() throws {
        if index > 0 {
            buffer.removeSubrange(0..<index)
            index = 0
        }
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { throw Failure(description: "redis closed the connection") }
        buffer += chunk[0..<n]
    }
}
