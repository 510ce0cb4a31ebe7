import CShims
import EdgeCore

#if canImport(Glibc)
    import Glibc
#endif

/// One epoll loop of the KV service: accepts connections, reads whatever arrived on every ready
/// socket, answers each complete frame in order, and writes the answers back without blocking.
///
/// Why epoll rather than a thread per connection: with a router and many hosts on a two-core
/// box, one request per wake-up of one of dozens of threads costs more in context switches than
/// the SQLite read itself; a loop answers every ready connection per wake-up, as Redis does.
/// The service runs a few loops (one per core by default) that all watch the listening socket.
///
/// Confined to its thread: everything but `epollFD` (written once, before the thread starts) is
/// touched only by `run()`.
final class KVEventLoop: @unchecked Sendable {
    private let epollFD: Int32
    private let listener: Int32
    private let wakeFD: Int32
    private let handler: KVRequestHandler
    private let logger: Logger
    private let nextConnectionID: @Sendable () -> Int
    private var connections: [Int32: KVServiceConnection] = [:]

    private static let listenerTag: UInt64 = 1 << 40
    private static let wakeTag: UInt64 = 1 << 41
    /// Stop reading from a connection whose unsent answers exceed this, until they drain.
    private static let outputHighWater = 8 << 20

    init(
        listener: Int32, wakeFD: Int32, handler: KVRequestHandler, logger: Logger,
        nextConnectionID: @escaping @Sendable () -> Int
    ) throws(KVError) {
        epollFD = cshims_epoll_create()
        guard epollFD >= 0 else { throw KVError(.unavailable, "epoll_create failed: \(UnixSocket.describe(errno))") }
        self.listener = listener
        self.wakeFD = wakeFD
        self.handler = handler
        self.logger = logger
        self.nextConnectionID = nextConnectionID
        _ = cshims_epoll_ctl(epollFD, EPOLL_CTL_ADD, listener, CSHIMS_EPOLLIN, Self.listenerTag)
        _ = cshims_epoll_ctl(epollFD, EPOLL_CTL_ADD, wakeFD, CSHIMS_EPOLLIN, Self.wakeTag)
    }

    /// Serves until the wake descriptor becomes readable (shutdown), then answers what was
    /// already read, flushes, and closes every connection it owns. Returns how many it closed.
    func run() -> Int {
        var events = [cshims_epoll_event](repeating: cshims_epoll_event(), count: 64)
        var stopping = false
        while !stopping {
            let count = cshims_epoll_wait(epollFD, &events, Int32(events.count), -1)
            if count < 0 {
                if errno == EINTR { continue }
                logger.error("epoll_wait failed; stopping this loop", [("error", .string(UnixSocket.describe(errno)))])
                break
            }
            for event in events[0..<Int(count)] {
                switch event.data {
                case Self.listenerTag: acceptAll()
                case Self.wakeTag: stopping = true
                default: service(fd: Int32(truncatingIfNeeded: event.data), events: event.events)
                }
            }
        }
        let closed = connections.count
        for (fd, connection) in connections {
            connection.flushBlocking()
            close(connection: connection, fd: fd)
        }
        Glibc.close(epollFD)
        return closed
    }

    private func acceptAll() {
        while true {
            let fd = cshims_accept_nonblocking(listener, nil, nil)
            if fd < 0 {
                if errno == EMFILE || errno == ENFILE {
                    logger.error("out of file descriptors; a connection waits in the backlog")
                }
                return  // EAGAIN: another loop took it, or the backlog is empty.
            }
            let connection = KVServiceConnection(fd: fd, id: nextConnectionID(), handler: handler, logger: logger)
            connections[fd] = connection
            _ = cshims_epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, CSHIMS_EPOLLIN | CSHIMS_EPOLLRDHUP, UInt64(fd))
            logger.debug("connection opened", [("connection", .int(connection.id))])
        }
    }

    private func service(fd: Int32, events: UInt32) {
        guard let connection = connections[fd] else { return }
        if events & (CSHIMS_EPOLLIN | CSHIMS_EPOLLRDHUP | CSHIMS_EPOLLHUP | CSHIMS_EPOLLERR) != 0,
            connection.pendingOutput < Self.outputHighWater
        {
            connection.readAndAnswer()
        }
        connection.flush()
        if connection.isFinished {
            close(connection: connection, fd: fd)
            return
        }
        let wanted =
            (connection.pendingOutput > 0 ? CSHIMS_EPOLLOUT : 0)
            | (connection.pendingOutput < Self.outputHighWater ? CSHIMS_EPOLLIN | CSHIMS_EPOLLRDHUP : 0)
        if wanted != connection.registered {
            connection.registered = wanted
            _ = cshims_epoll_ctl(epollFD, EPOLL_CTL_MOD, fd, wanted, UInt64(fd))
        }
    }

    private func close(connection: KVServiceConnection, fd: Int32) {
        _ = cshims_epoll_ctl(epollFD, EPOLL_CTL_DEL, fd, 0, 0)
        connections.removeValue(forKey: fd)
        Glibc.close(fd)
        logger.debug("connection closed", [("connection", .int(connection.id))])
    }
}
