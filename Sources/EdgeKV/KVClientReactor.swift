import CShims
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The one thread per process that reads the KV service's answers for every `KVClient`
/// connection, through epoll; it is also a `TaskExecutor` tasks may prefer.
///
/// Why one shared thread: a process with many clients (or many connections) would otherwise keep
/// one blocked reader thread per connection, and every answer would wake a different thread; one
/// epoll loop reads every ready connection per wake-up. It starts with the first use and lives as
/// long as the process.
///
/// Why an executor: an answer normally resumes its caller on the global executor, which wakes
/// another thread. A task that prefers this executor (`KVClient.taskExecutor`) is resumed right
/// here, in the same loop turn that read the answer, so a call costs one thread wake-up fewer,
/// the way an event loop client works. Such tasks must not block: they share this thread.
///
/// State: the connection table and the job queue are behind `Mutex`es; reading and running jobs
/// happen only on the reactor's thread.
final class KVClientReactor: TaskExecutor, Sendable {
    /// The process-wide reactor (an immutable reference; its state is behind `Mutex`es).
    static let shared = KVClientReactor()

    private let epollFD: Int32
    private let wakeFD: Int32
    private let connections = Mutex<[Int32: KVClientConnection]>([:])
    private let jobs = Mutex<[UnownedJob]>([])
    /// True while the loop is inside epoll_wait, so only then does `enqueue` need to wake it.
    private let sleeping = Atomic(false)

    private static let wakeTag = UInt64.max

    private init() {
        epollFD = cshims_epoll_create()
        wakeFD = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        _ = cshims_epoll_ctl(epollFD, EPOLL_CTL_ADD, wakeFD, CSHIMS_EPOLLIN, Self.wakeTag)
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

    /// Queues a job of a task that prefers this executor; it runs on the reactor thread.
    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        jobs.withLock { $0.append(job) }
        if sleeping.load(ordering: .acquiring) {
            var one: UInt64 = 1
            _ = write(wakeFD, &one, 8)
        }
    }

    private func run() {
        guard epollFD >= 0 else { return }
        var events = [cshims_epoll_event](repeating: cshims_epoll_event(), count: 64)
        while true {
            runJobs()
            sleeping.store(true, ordering: .releasing)
            // A job queued between runJobs() and the store above must not wait for the next answer.
            let pending = jobs.withLock { !$0.isEmpty }
            let count = cshims_epoll_wait(epollFD, &events, Int32(events.count), pending ? 0 : -1)
            sleeping.store(false, ordering: .releasing)
            if count < 0 {
                if errno == EINTR { continue }
                usleep(10_000)  // Not expected; avoid a hot loop while staying alive for callers.
                continue
            }
            for event in events[0..<Int(count)] {
                if event.data == Self.wakeTag {
                    var counter: UInt64 = 0
                    _ = read(wakeFD, &counter, 8)
                    continue
                }
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

    /// Runs the queued jobs, including those they queue in turn, until none is left.
    private func runJobs() {
        while true {
            let batch = jobs.withLock { queue in
                defer { queue.removeAll(keepingCapacity: true) }
                return queue
            }
            if batch.isEmpty { return }
            for job in batch { job.runSynchronously(on: asUnownedTaskExecutor()) }
        }
    }
}
