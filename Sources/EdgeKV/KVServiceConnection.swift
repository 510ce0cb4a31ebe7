import CShims
import EdgeCore

#if canImport(Glibc)
    import Glibc
#endif

/// One client connection of `KVService`: its frame decoder and its unsent answers.
///
/// Non-blocking: `readAndAnswer()` drains what the socket holds, executes each complete request
/// in arrival order and queues the answers; `flush()` writes as much as the socket takes. A frame
/// that breaks the protocol (see `KVFrameDecoder`) finishes the connection with the reason
/// logged, after the answers to the good frames before it are sent. Values and keys never reach
/// a log line.
///
/// Confined to the `KVEventLoop` thread that accepted it.
final class KVServiceConnection: @unchecked Sendable {
    let id: Int
    private let fd: Int32
    private let handler: KVRequestHandler
    private let logger: Logger
    private var decoder = KVFrameDecoder()
    private var output: [UInt8] = []
    private var outputOffset = 0
    private var readEnded = false
    private var broken = false
    /// The epoll events currently registered for this connection (kept by the loop).
    var registered: UInt32 = CSHIMS_EPOLLIN | CSHIMS_EPOLLRDHUP

    /// A buffer per thread would do; one per connection is simpler and connections are few.
    private var chunk = [UInt8](repeating: 0, count: 64 * 1024)

    init(fd: Int32, id: Int, handler: KVRequestHandler, logger: Logger) {
        self.fd = fd
        self.id = id
        self.handler = handler
        self.logger = logger
    }

    /// Bytes answered but not yet written.
    var pendingOutput: Int { output.count - outputOffset }

    /// True when the connection should close: the peer is gone or broke the protocol, and every
    /// answer that could be written has been.
    var isFinished: Bool { broken || (readEnded && pendingOutput == 0) }

    /// Reads what is available (up to 1 MiB per call, so one busy client cannot starve the
    /// others) and answers every complete frame.
    func readAndAnswer() {
        var budget = 1 << 20
        while budget > 0 && !readEnded && !broken {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n == 0 {
                readEnded = true
                break
            }
            if n < 0 {
                if errno == EINTR { continue }
                if errno != EAGAIN && errno != EWOULDBLOCK {
                    logger.warn(
                        "connection read failed",
                        [("connection", .int(id)), ("error", .string(UnixSocket.describe(errno)))])
                    broken = true
                }
                break
            }
            budget -= n
            chunk.withUnsafeBytes { decoder.feed(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            answerBufferedFrames()
        }
    }

    private func answerBufferedFrames() {
        while true {
            switch decoder.next() {
            case .needMoreBytes:
                return
            case .fail(let error):
                return finish(error)
            case .frame(let payload):
                do {
                    let request = try KVWire.decodeRequest(payload)
                    output.append(contentsOf: KVWire.encode(handler.respond(to: request)))
                } catch {
                    return finish(error)
                }
            }
        }
    }

    /// Sends what was answered before the bad frame, then marks the connection for closing.
    private func finish(_ error: KVError) {
        flushBlocking()
        broken = true
        logger.warn(
            "closing connection: \(error.message)",
            [("connection", .int(id)), ("reason", .string(error.code.description))])
    }

    /// Writes as much pending output as the socket accepts without blocking.
    func flush() {
        while pendingOutput > 0 {
            let n = output.withUnsafeBytes {
                send(fd, $0.baseAddress! + outputOffset, pendingOutput, Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
            }
            if n < 0 {
                if errno == EINTR { continue }
                if errno != EAGAIN && errno != EWOULDBLOCK {
                    broken = true  // The peer is gone; nothing more to say to it.
                    output = []
                    outputOffset = 0
                }
                return
            }
            outputOffset += n
        }
        if outputOffset > 0 {
            output.removeAll(keepingCapacity: output.capacity <= 1 << 20)
            outputOffset = 0
        }
    }

    /// Writes all pending output, waiting for the socket when needed (shutdown and errors only).
    func flushBlocking() {
        while pendingOutput > 0 && !broken {
            flush()
            if pendingOutput > 0 && !broken {
                var descriptor = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                if poll(&descriptor, 1, 1000) <= 0 { return }
            }
        }
    }
}
