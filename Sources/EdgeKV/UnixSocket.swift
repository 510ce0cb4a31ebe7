import CShims

#if canImport(Glibc)
    import Glibc
#endif

/// Blocking Unix-domain stream sockets: the few system calls the KV service and client make.
///
/// Everything here is a thin wrapper that turns `errno` into a `KVError` naming the socket path,
/// so a failure tells the operator which file is wrong.
enum UnixSocket {
    /// `sun_path` holds 108 bytes including the terminating NUL.
    static let maximumPathBytes = Int(CSHIMS_UNIX_PATH_MAX)

    /// Binds and listens on `path` with permissions 0600 (owner only), replacing a stale socket
    /// file left by a crashed service but refusing to steal one a live service still answers on.
    static func listen(path: String, backlog: Int32 = 128) throws(KVError) -> Int32 {
        var address = try socketAddress(path)
        var status = stat()
        if lstat(path, &status) == 0 {
            guard status.st_mode & S_IFMT == S_IFSOCK else {
                throw KVError(.invalidArgument, "\(path) exists and is not a socket; choose another --socket path")
            }
            if let probe = try? connect(path: path) {
                close(probe)
                throw KVError(.unavailable, "another KV service is already listening on \(path)")
            }
            unlink(path)
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw error("cannot create a socket for", path) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        // Permissions are set between bind and listen: no client can connect before listen(2).
        guard bound == 0, chmod(path, 0o600) == 0, Glibc.listen(fd, backlog) == 0 else {
            let failure = error("cannot listen on", path)
            close(fd)
            throw failure
        }
        return fd
    }

    /// Connects to the socket at `path`; fails at once when nothing listens there.
    static func connect(path: String) throws(KVError) -> Int32 {
        var address = try socketAddress(path)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw error("cannot create a socket for", path) }
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard rc == 0 else {
            let code = errno
            close(fd)
            throw KVError(.unavailable, "KV service is not reachable at \(path): \(describe(code))")
        }
        return fd
    }

    /// Writes every byte, retrying short writes and EINTR; never raises SIGPIPE.
    static func sendAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32? {
        var offset = 0
        while offset < bytes.count {
            let n = send(fd, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += n
        }
        return nil
    }

    /// Reads what is available into `buffer`; 0 at end of stream, -1 on error (errno set).
    static func receive(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        while true {
            let n = read(fd, buffer.baseAddress, buffer.count)
            if n < 0 && errno == EINTR { continue }
            return n
        }
    }

    /// The text of an errno value.
    static func describe(_ code: Int32) -> String { String(cString: strerror(code)) }

    private static func error(_ doing: String, _ path: String) -> KVError {
        KVError(.unavailable, "\(doing) \(path): \(describe(errno))")
    }

    private static func socketAddress(_ path: String) throws(KVError) -> sockaddr_un {
        var address = sockaddr_un()
        guard cshims_unix_address(path, &address) == 0 else {
            throw KVError(
                .invalidArgument,
                "socket path must be 1 to \(maximumPathBytes) bytes (sun_path), received \(path.utf8.count): \(path)")
        }
        return address
    }
}
