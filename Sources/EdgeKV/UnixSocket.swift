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
        try checkLength(path)
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
        let fd = cshims_unix_listen(path, backlog)
        guard fd >= 0 else { throw KVError(.unavailable, "cannot listen on \(path): \(describe(-fd))") }
        return fd
    }

    /// Connects to the socket at `path`; fails at once when nothing listens there.
    static func connect(path: String) throws(KVError) -> Int32 {
        try checkLength(path)
        let fd = cshims_unix_connect(path, 0)
        guard fd >= 0 else {
            throw KVError(.unavailable, "KV service is not reachable at \(path): \(describe(-fd))")
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

    private static func checkLength(_ path: String) throws(KVError) {
        guard (1...maximumPathBytes).contains(path.utf8.count) else {
            throw KVError(
                .invalidArgument,
                "socket path must be 1 to \(maximumPathBytes) bytes (sun_path), received \(path.utf8.count): \(path)")
        }
    }
}
