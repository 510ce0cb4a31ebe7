import CShims
import EdgeCore

#if canImport(Glibc)
    import Glibc
#endif

/// One event loop's share of a server: its listener, its connections, and the read buffer they
/// all reuse.
///
/// `@unchecked Sendable`: everything here is touched on `loop`'s thread only; other threads
/// reach it through `loop.execute`.
final class HTTPServerLoop: EventLoopHandler, @unchecked Sendable {
    let loop: EventLoop
    let context: HTTPServerContext
    /// Scratch space for `read(2)`: every connection on this loop reads into it and hands the
    /// bytes to its parser at once, so no connection holds a buffer while idle.
    let readBuffer: UnsafeMutableRawBufferPointer
    private var listenerFD: Int32
    private var connections: [Int32: HTTPConnection] = [:]
    private(set) var shuttingDown = false
    private var onStopped: (@Sendable () -> Void)?

    init(loop: EventLoop, listenerFD: Int32, context: HTTPServerContext) {
        self.loop = loop
        self.listenerFD = listenerFD
        self.context = context
        readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
    }

    deinit {
        readBuffer.deallocate()
        if listenerFD >= 0 { close(listenerFD) }
    }

    /// Starts watching the listener. Loop thread only.
    func start() throws {
        try loop.register(listenerFD, events: EventLoop.readable, handler: self)
    }

    /// The listener is readable: accept what is waiting (a bounded batch, so one busy listener
    /// cannot starve the connections on this loop).
    func handleEvents(_ events: UInt32) {
        guard listenerFD >= 0 else { return }
        for _ in 0..<64 {
            guard let (fd, peer) = TCPListener.accept(listenerFD) else {
                let code = cshims_errno()
                if code == EMFILE || code == ENFILE {
                    context.logger.warn(
                        "out of file descriptors; raise the limit (ulimit -n) or lower maxConnections",
                        [("errno", .int(Int(code)))])
                }
                return
            }
            context.acceptedConnections.add(1, ordering: .relaxed)
            if context.openConnections.load(ordering: .relaxed) >= context.configuration.maxConnections {
                close(fd)
                continue
            }
            var on: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
            let connection = HTTPConnection(fd: fd, peer: peer, owner: self)
            do {
                try loop.register(fd, events: EventLoop.readable | EventLoop.peerClosed, handler: connection)
            } catch {
                close(fd)
                continue
            }
            context.openConnections.add(1, ordering: .relaxed)
            connections[fd] = connection
            connection.start()
        }
    }

    /// A connection closed its descriptor. Loop thread only.
    func connectionClosed(_ fd: Int32) {
        connections[fd] = nil
        context.openConnections.subtract(1, ordering: .relaxed)
        if shuttingDown && connections.isEmpty { finishShutdown() }
    }

    /// Stops accepting (the listener closes, so new connects are refused), lets requests in
    /// flight finish, ends streams, and closes what remains at `deadline`. Loop thread only.
    func beginShutdown(deadline: UInt64, onStopped: @escaping @Sendable () -> Void) {
        guard !shuttingDown else { return }
        shuttingDown = true
        self.onStopped = onStopped
        if listenerFD >= 0 {
            loop.deregister(listenerFD)
            close(listenerFD)
            listenerFD = -1
        }
        for connection in Array(connections.values) { connection.beginShutdown() }
        if connections.isEmpty {
            finishShutdown()
            return
        }
        loop.schedule(at: deadline) { [self] in
            for connection in Array(connections.values) { connection.close() }
        }
    }

    private func finishShutdown() {
        let callback = onStopped
        onStopped = nil
        loop.stop()
        callback?()
    }
}
