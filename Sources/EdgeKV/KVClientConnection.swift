import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// One socket to the KV service carrying many requests at once, matched to answers by request id.
///
/// Callers write their frame directly (serialized by `writeLock`, so frames never interleave);
/// the process's `KVClientReactor` reads answers, matches them by id and resumes the waiting
/// callers with the payload, which each caller decodes on its own thread.
/// When the socket ends, every waiter fails with `.unavailable` and the connection is never used
/// again: the owning `KVClient` opens a fresh one on the next call.
///
/// `@unchecked Sendable` for `decoder` and `chunk`, which only the reactor thread touches
/// (`readAvailable`); everything else is immutable or behind a `Mutex`.
final class KVClientConnection: @unchecked Sendable {
    /// A write that failed: the service never saw the request, so the caller may retry it once on
    /// a new connection without risking a double write.
    struct SendFailure: Error {
        let error: KVError
    }

    private struct Waiters: ~Copyable {
        var byID: [UInt64: CheckedContinuation<[UInt8], any Error>] = [:]
        var closedBy: KVError?
    }

    let fd: Int32
    private let socketPath: String
    private var decoder = KVFrameDecoder()
    private var chunk = [UInt8](repeating: 0, count: 64 * 1024)
    private let waiters = Mutex(Waiters())
    /// True once the reader has closed `fd`; guards writes against a reused descriptor number.
    private let writeLock = Mutex(false)

    /// Takes ownership of the connected socket `fd` and hands it to the reactor.
    init(fd: Int32, socketPath: String) throws(KVError) {
        self.fd = fd
        self.socketPath = socketPath
        do {
            try KVClientReactor.shared.register(self)
        } catch {
            close(fd)
            throw error
        }
    }

    /// True once the socket has ended.
    var isClosed: Bool { waiters.withLock { $0.closedBy != nil } }

    /// Registers `continuation` under `id` and writes `frame`; the reader resumes it.
    func submit(id: UInt64, frame: [UInt8], continuation: CheckedContinuation<[UInt8], any Error>) {
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

    /// Reads what the socket holds and resumes the callers whose answers arrived; returns why the
    /// connection ended, or nil while it lives. Called on the reactor thread only.
    func readAvailable() -> String? {
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if n == 0 { return "the service closed the connection" }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { return nil }
                return UnixSocket.describe(errno)
            }
            chunk.withUnsafeBytes { decoder.feed(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            while true {
                switch decoder.next() {
                case .needMoreBytes:
                    break
                case .fail(let error):
                    return "the service sent a bad frame (\(error.message))"
                case .frame(let payload):
                    // Only the id is read here; the caller decodes the rest on its own thread.
                    guard let id = KVWire.responseID(payload) else {
                        return "the service sent a frame that is not a response"
                    }
                    let waiter = waiters.withLock { $0.byID.removeValue(forKey: id) }
                    waiter?.resume(returning: payload)
                    continue
                }
                break
            }
            if n < chunk.count { return nil }
        }
    }

    /// Fails every waiter with `.unavailable` naming `reason` and closes the socket.
    func finish(reason: String) {
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
