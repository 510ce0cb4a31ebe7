import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// One socket to the KV service carrying many requests at once, matched to answers by request id.
///
/// Callers write their frame directly (serialized by `writeLock`, so frames never interleave);
/// a dedicated reader thread decodes answers and resumes the waiting callers. When the socket
/// ends, every waiter fails with `.unavailable` and the connection is never used again: the
/// owning `KVClient` opens a fresh one on the next call.
final class KVClientConnection: Sendable {
    /// A write that failed: the service never saw the request, so the caller may retry it once on
    /// a new connection without risking a double write.
    struct SendFailure: Error {
        let error: KVError
    }

    private struct Waiters: ~Copyable {
        var byID: [UInt64: CheckedContinuation<KVResult, any Error>] = [:]
        var closedBy: KVError?
    }

    private let fd: Int32
    private let socketPath: String
    private let waiters = Mutex(Waiters())
    /// True once the reader has closed `fd`; guards writes against a reused descriptor number.
    private let writeLock = Mutex(false)

    /// Takes ownership of the connected socket `fd` and starts its reader thread.
    init(fd: Int32, socketPath: String) {
        self.fd = fd
        self.socketPath = socketPath
        let thread = Thread { [self] in readLoop() }
        thread.name = "kv-client-reader"
        thread.start()
    }

    /// True once the socket has ended.
    var isClosed: Bool { waiters.withLock { $0.closedBy != nil } }

    /// Registers `continuation` under `id` and writes `frame`; the reader resumes it.
    func submit(id: UInt64, frame: [UInt8], continuation: CheckedContinuation<KVResult, any Error>) {
        let refused = waiters.withLock { state -> KVError? in
            if let closedBy = state.closedBy { return closedBy }
            state.byID[id] = continuation
            return nil
        }
        if let refused {
            continuation.resume(throwing: SendFailure(error: refused))
            return
        }
        let failure = writeLock.withLock { closed -> Int32? in
            if closed { return EPIPE }
            return frame.withUnsafeBytes { UnixSocket.sendAll(fd, $0) }
        }
        guard let failure else { return }
        let error = KVError(
            .unavailable, "lost the connection to the KV service at \(socketPath): \(UnixSocket.describe(failure))")
        if let mine = waiters.withLock({ $0.byID.removeValue(forKey: id) }) {
            mine.resume(throwing: SendFailure(error: error))
        }
        shutdown()
    }

    /// Ends the connection; the reader thread fails every waiter and closes the descriptor.
    func shutdown() {
        writeLock.withLock { closed in
            if !closed { _ = Glibc.shutdown(fd, Int32(SHUT_RDWR)) }
        }
    }

    private func readLoop() {
        var decoder = KVFrameDecoder()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 * 1024, alignment: 8)
        defer { buffer.deallocate() }
        var reason = "the service closed the connection"
        reading: while true {
            let n = UnixSocket.receive(fd, into: buffer)
            if n <= 0 {
                if n < 0 { reason = UnixSocket.describe(errno) }
                break
            }
            decoder.feed(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            while true {
                switch decoder.next() {
                case .needMoreBytes:
                    continue reading
                case .fail(let error):
                    reason = "the service sent a bad frame (\(error.message))"
                    break reading
                case .frame(let payload):
                    do {
                        let response = try KVWire.decodeResponse(payload)
                        let waiter = waiters.withLock { $0.byID.removeValue(forKey: response.id) }
                        waiter?.resume(returning: response.result)
                    } catch {
                        reason = "the service sent a bad frame (\(error.message))"
                        break reading
                    }
                }
            }
        }
        let error = KVError(.unavailable, "lost the connection to the KV service at \(socketPath): \(reason)")
        let orphans = waiters.withLock { state in
            state.closedBy = error
            defer { state.byID = [:] }
            return state.byID
        }
        writeLock.withLock { closed in
            closed = true
            close(fd)
        }
        for (_, waiter) in orphans { waiter.resume(throwing: error) }
    }
}
