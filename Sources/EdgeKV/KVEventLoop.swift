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
    ///
    /// Each wake-up gathers the requests of every ready connection and answers them as one batch
    /// (`KVRequestHandler.respond(to:)`), so writes that arrive together share one commit.
    func run() -> Int {
        var events = [cshims_epoll_event](repeating: cshims_epoll_event(), count: 64)
        var requests: [KVRequestFrame] = []
        var owners: [KVServiceConnection] = []
        var touched: [(Int32, KVServiceConnection)] = []
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
                default:
                    let fd = Int32(truncatingIfNeeded: event.data)
                    guard let connection = connections[fd] else { continue }
                    let readable = CSHIMS_EPOLLIN | CSHIMS_EPOLLRDHUP | CSHIMS_EPOLLHUP | CSHIMS_EPOLLERR
                    if event.events & readable != 0, connection.pendingOutput < Self.outputHighWater {
                        let before = requests.count
                        connection.readFrames(into: &requests)
                        owners.append(contentsOf: repeatElement(connection, count: requests.count - before))
                    }
                    touched.append((fd, connection))
                }
            }
            if !requests.isEmpty {
                for (owner, answer) in zip(owners, handler.respond(to: requests)) { owner.queue(answer) }
                requests.removeAll(keepingCapacity: true)
                owners.removeAll(keepingCapacity: true)
            }
            for (fd, connection) in touched { settle(connection, fd: fd) }
            touched.removeAll(keepingCapacity: true)
        }
        let closed = connections.count
        for (fd, connection) in connections {
            connection.flushBlocking()
            close(connection: connection, fd: fd)
        }
        Glibc.close(epollFD)
        return closed
    }

    /// Writes what the connection has to say, closes it when it is finished, and otherwise
    /// registers for the events it now needs.
    private func settle(_ connection: KVServiceConnection, fd: Int32) {
        if let broken = connection.brokenBy {
            connection.flushBlocking()  // The answers to the good frames before the bad one.
            logger.warn(
                "closing connection: \(broken.message)",
                [("connection", .int(connection.id)), ("reason", .string(broken.code.description))])
            close(connection: connection, fd: fd)
            return
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

    private func acceptAll() {
        while true {
            let fd = cshims_accept_nonblocking(listener, nil, nil)
            if fd < 0 {
                if errno == EMFILE || errno == ENFILE {
                    logger.error("out of file descriptors; a connection waits in the backlog")
                }
                return  // EAGAIN: another loop took it, or the backlog is empty.
            }
            let connection = KVServiceConnection(fd: fd, id: nextConnectionID(), logger: logger)
            connections[fd] = connection
            _ = cshims_epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, CSHIMS_EPOLLIN | CSHIMS_EPOLLRDHUP, UInt64(fd))
            logger.debug("connection opened", [("connection", .int(connection.id))])
        }
    }

    private func close(connection: KVServiceConnection, fd: Int32) {
        _ = cshims_epoll_ctl(epollFD, EPOLL_CTL_DEL, fd, 0, 0)
        connections.removeValue(forKey: fd)
        Glibc.close(fd)
        logger.debug("connection closed", [("connection", .int(connection.id))])
    }
}
