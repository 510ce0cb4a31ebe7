import CShims

#if canImport(Glibc)
    import Glibc
#endif

/// Connects to and binds sockets to answer the supervisor's two questions: is a process ready
/// (something accepts connections), and is a port the stack needs still free.
public enum SocketProbe {
    /// True when a Unix socket at `path` accepts a connection (a stale socket file does not).
    public static func acceptsUnix(path: String) -> Bool {
        let fd = cshims_unix_connect(path, 0)
        guard fd >= 0 else { return false }
        close(fd)
        return true
    }

    /// True when a TCP port on `host` (an IPv4 or IPv6 literal) accepts a connection. A wildcard
    /// listen address is probed on loopback.
    public static func acceptsTCP(host: String, port: Int) -> Bool {
        withAddress(host: connectable(host), port: port) { family, address, length in
            let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { return false }
            defer { close(fd) }
            return connect(fd, address, length) == 0
        } ?? false
    }

    /// Why `host:port` cannot be listened on (already in use, not an address of this machine),
    /// or nil when a listener could bind it now.
    public static func bindProblem(host: String, port: Int) -> String? {
        let outcome: Int32? = withAddress(host: host, port: port) { family, address, length in
            let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { return errno }
            defer { close(fd) }
            var one: Int32 = 1
            _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            return bind(fd, address, length) == 0 ? 0 : errno
        }
        switch outcome {
        case nil: return "'\(host)' is not an IPv4 or IPv6 address"
        case 0: return nil
        case EADDRINUSE: return "port \(port) on \(host) is already in use by another program"
        case let code?: return "cannot listen on \(host):\(port): \(String(cString: strerror(code)))"
        }
    }

    private static func connectable(_ host: String) -> String {
        switch host {
        case "0.0.0.0": "127.0.0.1"
        case "::", "[::]": "::1"
        default: host
        }
    }

    private static func withAddress<T>(
        host: String, port: Int, _ body: (Int32, UnsafePointer<sockaddr>, socklen_t) -> T
    ) -> T? {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        var v4 = sockaddr_in()
        if inet_pton(AF_INET, bare, &v4.sin_addr) == 1 {
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = UInt16(truncatingIfNeeded: port).bigEndian
            return withUnsafePointer(to: &v4) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    body(AF_INET, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        var v6 = sockaddr_in6()
        if inet_pton(AF_INET6, bare, &v6.sin6_addr) == 1 {
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = UInt16(truncatingIfNeeded: port).bigEndian
            return withUnsafePointer(to: &v6) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    body(AF_INET6, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        }
        return nil
    }
}
