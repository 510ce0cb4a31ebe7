import CShims
import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// What an event loop calls when a registered descriptor is ready.
///
/// Handlers are called on the loop's thread only, so they may keep plain mutable state.
public protocol EventLoopHandler: AnyObject {
    /// The descriptor is ready: `events` holds the epoll bits that fired (`EventLoop.readable`, ...).
    func handleEvents(_ events: UInt32)
}

/// One thread running epoll: descriptors with handlers, timers, and work sent from other threads.
///
/// The HTTP server runs one loop per core; other I/O (the runtime's Unix sockets to session
/// hosts) can register on the same loops. Level-triggered epoll keeps handlers simple: a handler
/// that stops early is called again while data remains.
///
/// It is also a `TaskExecutor`: a task that prefers a loop (`Task(executorPreference: loop)`,
/// `withTaskExecutorPreference(loop)`) runs its code on the loop's thread, so a continuation the
/// loop resumes (a frame or an answer it read) runs right there, in the same turn, instead of
/// waking a thread of the global executor and hopping back for the next I/O. Such code shares
/// the loop's thread and must not block it.
///
/// `@unchecked Sendable`: `handlers`, `timers`, `local` and `tails` are touched only on the
/// loop's own thread (every public method that touches them says so); `inbox` is behind a
/// `Mutex`, and the rest are atomics or set once in `init`.
public final class EventLoop: TaskExecutor, @unchecked Sendable {
    /// Input is ready to read (`EPOLLIN`).
    public static let readable = CSHIMS_EPOLLIN
    /// Output space is free (`EPOLLOUT`).
    public static let writable = CSHIMS_EPOLLOUT
    /// The peer shut down its writing side (`EPOLLRDHUP`).
    public static let peerClosed = CSHIMS_EPOLLRDHUP
    /// Both sides hung up (`EPOLLHUP`).
    public static let hangUp = CSHIMS_EPOLLHUP
    /// An error is pending on the descriptor (`EPOLLERR`).
    public static let failed = CSHIMS_EPOLLERR

    /// A name for logs and thread names (`http-loop-0`).
    public let name: String
    private let epollFD: Int32
    private let wakeFD: Int32
    private var handlers: [(any EventLoopHandler)?] = []
    private var timers = TimerQueue()
    private let inbox = Mutex<Inbox>(Inbox())
    /// Work queued from the loop's own thread: no lock, no wake-up needed.
    private var local: [Item] = []
    /// Actions to run once the current turn's events and work are done (`atTurnEnd`).
    private var tails: [() -> Void] = []
    private let threadID = Atomic<UInt>(0)
    private let stopping = Atomic<Bool>(false)
    private let exited = DispatchSemaphore(value: 0)

    /// A loop that is not running yet; `start()` gives it its thread.
    public init(name: String) throws {
        self.name = name
        epollFD = cshims_epoll_create()
        guard epollFD >= 0 else { throw NetError.system("epoll_failed", "epoll_create1") }
        wakeFD = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        guard wakeFD >= 0 else {
            close(epollFD)
            throw NetError.system("eventfd_failed", "eventfd")
        }
        guard cshims_epoll_ctl(epollFD, EPOLL_CTL_ADD, wakeFD, CSHIMS_EPOLLIN, UInt64(wakeFD)) == 0 else {
            let error = NetError.system("epoll_failed", "epoll_ctl(eventfd)")
            close(wakeFD)
            close(epollFD)
            throw error
        }
    }

    deinit {
        close(wakeFD)
        close(epollFD)
    }

    /// Starts the loop's thread.
    public func start() {
        let thread = Thread { [self] in self.runLoop() }
        thread.name = name
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// True when called on this loop's thread.
    public var inLoop: Bool { threadID.load(ordering: .acquiring) == UInt(pthread_self()) }

    /// One piece of queued work: a closure, or a job of a task that prefers this loop. Both
    /// kinds share one queue so they run in the order they were queued.
    private enum Item {
        case work(@Sendable () -> Void)
        case job(UnownedJob)
    }

    /// Work sent from other threads, and whether the loop has finished for good.
    private struct Inbox {
        var work: [Item] = []
        var closed = false
    }

    /// Runs `work` on the loop's thread soon; safe from any thread (the eventfd wakes the loop).
    /// Returns false, without running `work`, once the loop has stopped for good, so a caller
    /// that waits for the work can stop waiting.
    @discardableResult
    public func execute(_ work: @escaping @Sendable () -> Void) -> Bool {
        submit(.work(work))
    }

    /// Runs a job of a task that prefers this loop, on the loop's thread (`TaskExecutor`). After
    /// the loop stopped for good the job runs on a fresh thread instead, so the task still ends.
    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        if !submit(.job(job)) {
            let executor = asUnownedTaskExecutor()
            let thread = Thread { job.runSynchronously(on: executor) }
            thread.start()
        }
    }

    private func submit(_ item: Item) -> Bool {
        if inLoop && !stopping.load(ordering: .relaxed) {
            local.append(item)
            return true
        }
        let (accepted, wasEmpty) = inbox.withLock { inbox -> (Bool, Bool) in
            if inbox.closed { return (false, false) }
            inbox.work.append(item)
            return (true, inbox.work.count == 1)
        }
        if !accepted { return false }
        if wasEmpty && !inLoop {
            var one: UInt64 = 1
            _ = withUnsafeBytes(of: &one) { write(wakeFD, $0.baseAddress, 8) }
        }
        return true
    }

    /// Runs `action` once the loop has handled this turn's ready descriptors and queued work,
    /// before it waits again: a connection that produced several frames in one turn writes them
    /// with one system call. Loop thread only.
    public func atTurnEnd(_ action: @escaping () -> Void) {
        tails.append(action)
    }

    /// Asks the loop to stop after the current iteration; safe from any thread.
    public func stop() {
        stopping.store(true, ordering: .releasing)
        var one: UInt64 = 1
        _ = withUnsafeBytes(of: &one) { write(wakeFD, $0.baseAddress, 8) }
    }

    /// Blocks until the loop's thread has returned.
    public func waitUntilStopped() {
        exited.wait()
        exited.signal()
    }

    // MARK: Loop-thread API

    /// Watches `fd` for `events` and calls `handler`. Loop thread only.
    public func register(_ fd: Int32, events: UInt32, handler: any EventLoopHandler) throws {
        guard cshims_epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, events, UInt64(fd)) == 0 else {
            throw NetError.system("epoll_failed", "epoll_ctl(ADD, \(fd))")
        }
        let index = Int(fd)
        if index >= handlers.count {
            handlers.append(contentsOf: repeatElement(nil, count: index + 64 - handlers.count))
        }
        handlers[index] = handler
    }

    /// Changes the events watched on `fd`. Loop thread only.
    public func modify(_ fd: Int32, events: UInt32) {
        _ = cshims_epoll_ctl(epollFD, EPOLL_CTL_MOD, fd, events, UInt64(fd))
    }

    /// Stops watching `fd`; call before closing it. Loop thread only.
    public func deregister(_ fd: Int32) {
        _ = cshims_epoll_ctl(epollFD, EPOLL_CTL_DEL, fd, 0, 0)
        if Int(fd) < handlers.count { handlers[Int(fd)] = nil }
    }

    /// Runs `action` on the loop at the monotonic `deadline` (ns); returns the id that cancels it.
    /// Loop thread only.
    @discardableResult
    public func schedule(at deadline: UInt64, _ action: @escaping () -> Void) -> UInt64 {
        timers.schedule(at: deadline, action)
    }

    /// Cancels a timer from `schedule`. Loop thread only.
    public func cancelTimer(_ id: UInt64) { timers.cancel(id) }

    // MARK: The loop

    private func runLoop() {
        threadID.store(UInt(pthread_self()), ordering: .releasing)
        var events = [cshims_epoll_event](repeating: cshims_epoll_event(), count: 256)
        while !stopping.load(ordering: .acquiring) {
            var timeout: Int32 = -1
            if let next = timers.nextDeadline() {
                let now = MonotonicClock.now()
                timeout = next <= now ? 0 : Int32(min((next - now + 999_999) / 1_000_000, 60_000))
            }
            if !local.isEmpty || inbox.withLock({ !$0.work.isEmpty }) { timeout = 0 }
            let count = events.withUnsafeMutableBufferPointer {
                cshims_epoll_wait(epollFD, $0.baseAddress, Int32($0.count), timeout)
            }
            if count > 0 {
                for i in 0..<Int(count) {
                    let fd = Int32(truncatingIfNeeded: events[i].data)
                    if fd == wakeFD {
                        var value: UInt64 = 0
                        _ = withUnsafeMutableBytes(of: &value) { read(wakeFD, $0.baseAddress, 8) }
                        continue
                    }
                    if Int(fd) < handlers.count, let handler = handlers[Int(fd)] {
                        handler.handleEvents(events[i].events)
                    }
                }
            }
            if timers.count > 0 {
                for action in timers.expired(now: MonotonicClock.now()) { action() }
            }
            runQueuedWork()
        }
        // Work that arrived before the door closed still runs, here, on the loop's thread.
        let remaining = inbox.withLock { inbox -> [Item] in
            inbox.closed = true
            return inbox.work
        }
        for item in local + remaining { run(item) }
        local = []
        runTails()
        exited.signal()
    }

    /// Runs the work queued so far, then what that work queued in turn, for a few rounds (a
    /// task resumed here usually queues its next step at once), then the turn-end actions.
    private func runQueuedWork() {
        for _ in 0..<8 {
            var work = inbox.withLock { inbox -> [Item] in
                if inbox.work.isEmpty { return [] }
                let taken = inbox.work
                inbox.work.removeAll(keepingCapacity: true)
                return taken
            }
            if !local.isEmpty {
                work = local + work
                local.removeAll(keepingCapacity: true)
            }
            if work.isEmpty { break }
            for item in work { run(item) }
        }
        runTails()
    }

    private func runTails() {
        while !tails.isEmpty {
            let actions = tails
            tails.removeAll(keepingCapacity: true)
            for action in actions { action() }
        }
    }

    private func run(_ item: Item) {
        switch item {
        case .work(let work): work()
        case .job(let job): job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
