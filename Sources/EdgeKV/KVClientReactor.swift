import CShims
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The one thread per process that reads the KV service's answers for every `KVClient`
/// connection, through epoll.
///
/// Why one shared thread: a process with many clients (or many connections) would otherwise keep
/// one blocked reader thread per connection, and every answer would wake a different thread; one
/// epoll loop reads every ready connection per wake-up. It starts with the first connection and
/// lives as long as the process. The table of connections is behind a `Mutex`; reading and
/// decoding happen only on the reactor's thread.
final class KVClientReactor: Sendable {
    /// The process-wide reactor (immutable reference; its state is behind a `Mutex`).
    static let shared = KVClientReactor()

    private let epollFD: Int32
    private let connections = Mutex<[Int32: KVClientConnection]>([:])

    private init() {
        epollFD = cshims_epoll_create()
        let thread = Thread { [self] in run() }
        thread.name = "kv-client-reactor"
        thread.start()
    }

    /// Starts watching `connection`'s socket; its answers are delivered from now on.
    func register(_ connection: KVClientConnection) throws(KVError) {
        connections.withLock { $0[connection.fd] = connection }
        let events = CSHIMS_EPOLLIN | CSHIMS_EPOLLRDHUP
        if epollFD < 0 || cshims_epoll_ctl(epollFD, EPOLL_CTL_ADD, connection.fd, events, UInt64(connection.fd)) != 0 {
            _ = connections.withLock { $0.removeValue(forKey: connection.fd) }
            throw KVError(.unavailable, "cannot watch the KV connection: \(UnixSocket.describe(errno))")
        }
    }

    private func run() {
        guard epollFD >= 0 else { return }
        var events = [cshims_epoll_event](repeating: cshims_epoll_event(), count: 64)
        while true {
            let count = cshims_epoll_wait(epollFD, &events, Int32(events.count), -1)
            if count < 0 {
                if errno == EINTR { continue }
                usleep(10_000)  // Not expected; avoid a hot loop while staying alive for callers.
                continue
            }
            for event in events[0..<Int(count)] {
                let fd = Int32(truncatingIfNeeded: event.data)
                guard let connection = connections.withLock({ $0[fd] }) else { continue }
                if let reason = connection.readAvailable() {
                    _ = cshims_epoll_ctl(epollFD, EPOLL_CTL_DEL, fd, 0, 0)
                    _ = connections.withLock { $0.removeValue(forKey: fd) }
                    connection.finish(reason: reason)
                }
            }
        }
    }
}
