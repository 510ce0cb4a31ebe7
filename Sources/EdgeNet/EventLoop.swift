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
/// `@unchecked Sendable`: `handlers`, `timers` and `scratch` are touched only on the loop's own
/// thread (every public method that touches them says so); `inbox` is behind a `Mutex`, and the
/// rest are atomics or set once in `init`.
public final class EventLoop: @unchecked Sendable {
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
    private let inbox = Mutex<[@Sendable () -> Void]>([])
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

    /// Runs `work` on the loop's thread soon; safe from any thread (the eventfd wakes the loop).
    public func execute(_ work: @escaping @Sendable () -> Void) {
        let wasEmpty = inbox.withLock { queue in
            queue.append(work)
            return queue.count == 1
        }
        if wasEmpty && !inLoop {
            var one: UInt64 = 1
            _ = withUnsafeBytes(of: &one) { write(wakeFD, $0.baseAddress, 8) }
        }
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
            if inbox.withLock({ !$0.isEmpty }) { timeout = 0 }
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
            let work = inbox.withLock { queue -> [@Sendable () -> Void] in
                if queue.isEmpty { return [] }
                let taken = queue
                queue.removeAll(keepingCapacity: true)
                return taken
            }
            for item in work { item() }
        }
        exited.signal()
    }
}
