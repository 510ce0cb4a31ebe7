import CShims
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The Unix-domain socket calls the runtime transport makes: listen with owner-only permissions,
/// connect, and switch a descriptor to non-blocking mode.
///
/// The socket file's mode (0600) is the host's trust boundary: only processes of the same user
/// (the router) can connect, so the host believes the object id and props the router sends.
public enum RuntimeSocket {
    /// `sun_path` holds 108 bytes including the terminating NUL.
    public static let maximumPathBytes = Int(CSHIMS_UNIX_PATH_MAX)

    /// Binds and listens on `path` with permissions 0600, replacing a stale socket file left by a
    /// crashed process but refusing one that a live process still answers on (so two processes
    /// can never share a host id).
    public static func listen(path: String, backlog: Int32 = 64) throws(RuntimeTransportError) -> Int32 {
        try checkLength(path)
        var status = stat()
        if lstat(path, &status) == 0 {
            guard status.st_mode & S_IFMT == S_IFSOCK else {
                throw RuntimeTransportError(
                    .unavailable, "\(path) exists and is not a socket; remove it or pick another path")
            }
            if isAnswering(path: path) {
                throw RuntimeTransportError(
                    .unavailable, "another process is already listening on \(path); is this id already running?")
            }
            unlink(path)
        }
        let fd = cshims_unix_listen(path, backlog)
        guard fd >= 0 else {
            throw RuntimeTransportError(.unavailable, "cannot listen on \(path): \(String(cString: strerror(-fd)))")
        }
        return fd
    }

    /// Connects to `path` with a non-blocking socket: a Unix-domain connect completes at once or
    /// fails at once (EAGAIN when the listener's backlog is full), so a caller on an event loop
    /// never waits here.
    public static func connect(path: String) throws(RuntimeTransportError) -> Int32 {
        try checkLength(path)
        let fd = cshims_unix_connect(path, Int32(SOCK_NONBLOCK.rawValue))
        guard fd >= 0 else {
            if -fd == EAGAIN {
                throw RuntimeTransportError(.busy, "\(path) is busy (its listen backlog is full); retry")
            }
            throw RuntimeTransportError(.unavailable, "nothing answers on \(path): \(String(cString: strerror(-fd)))")
        }
        return fd
    }

    /// True when a process listens on `path` now (a full backlog counts: the process is alive).
    public static func isAnswering(path: String) -> Bool {
        do {
            close(try connect(path: path))
            return true
        } catch {
            return error.code == .busy
        }
    }

    /// Sets `O_NONBLOCK` on `fd`.
    public static func setNonBlocking(_ fd: Int32) {
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
    }

    private static func checkLength(_ path: String) throws(RuntimeTransportError) {
        guard (1...maximumPathBytes).contains(path.utf8.count) else {
            throw RuntimeTransportError(
                .unavailable,
                "socket path must be 1 to \(maximumPathBytes) bytes (sun_path), received \(path.utf8.count): \(path)")
        }
    }
}
