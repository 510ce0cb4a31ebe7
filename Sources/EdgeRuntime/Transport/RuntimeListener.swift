import CShims
import EdgeNet

#if canImport(Glibc)
    import Glibc
#endif

/// Accepts router connections on a session host's Unix socket.
///
/// The socket is created with mode 0600 (`RuntimeSocket.listen`), so only the router's user can
/// connect: that file mode is the trust boundary that lets the host believe the object ids and
/// props in request heads. A stale socket file is replaced only when nothing answers on it.
///
/// `@unchecked Sendable`: `fd` and `path` are set in `init`; accepting happens on `loop`'s thread.
public final class RuntimeListener: EventLoopHandler, @unchecked Sendable {
    /// The socket file.
    public let path: String
    /// The loop that accepts.
    public let loop: EventLoop
    private let fd: Int32
    private let onConnection: @Sendable (Int32) -> Void

    /// Binds `path` (0600) and starts accepting on `loop`; each accepted socket is non-blocking
    /// and handed to `onConnection` on the loop thread (wrap it in `RuntimeConnection(adopting:)`).
    public init(
        path: String, loop: EventLoop, onConnection: @escaping @Sendable (Int32) -> Void
    ) throws(RuntimeTransportError) {
        self.path = path
        self.loop = loop
        self.onConnection = onConnection
        fd = try RuntimeSocket.listen(path: path)
        RuntimeSocket.setNonBlocking(fd)
        loop.execute {
            do {
                try self.loop.register(self.fd, events: EventLoop.readable, handler: self)
            } catch {
                Glibc.close(self.fd)
            }
        }
    }

    /// Accepts every pending connection.
    public func handleEvents(_ events: UInt32) {
        while true {
            let client = cshims_accept_nonblocking(fd, nil, nil)
            if client >= 0 {
                onConnection(client)
                continue
            }
            if errno == EINTR { continue }
            return
        }
    }

    /// Stops accepting and removes the socket file, so the router sees this host gone.
    public func close() {
        let path = self.path
        let fd = self.fd
        let stopped = loop.execute {
            self.loop.deregister(fd)
            Glibc.close(fd)
        }
        if !stopped { Glibc.close(fd) }
        unlink(path)
    }
}
