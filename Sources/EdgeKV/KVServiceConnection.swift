import CShims
import EdgeCore

#if canImport(Glibc)
    import Glibc
#endif

/// One client connection of `KVService`: its frame decoder and its unsent answers.
///
/// Non-blocking: `readFrames(into:)` drains what the socket holds and hands back every complete
/// request in arrival order (the loop answers them, batched with other connections' requests);
/// `queue(_:)` takes the answers and `flush()` writes as much as the socket takes. A frame that
/// breaks the protocol (see `KVFrameDecoder`) stops reading; the answers to the good frames
/// before it are still sent, then the loop closes the connection and logs `brokenBy`. Values
/// and keys never reach a log line.
///
/// Confined to the `KVEventLoop` thread that accepted it.
final class KVServiceConnection: @unchecked Sendable {
    let id: Int
    private let fd: Int32
    private let logger: Logger
    private var decoder = KVFrameDecoder()
    private var output: [UInt8] = []
    private var outputOffset = 0
    private var readEnded = false
    private var writeFailed = false
    /// Why the peer's byte stream was refused, once it was.
    private(set) var brokenBy: KVError?
    /// The epoll events currently registered for this connection (kept by the loop).
    var registered: UInt32 = CSHIMS_EPOLLIN | CSHIMS_EPOLLRDHUP

    /// One read buffer per connection; connections are few (router and hosts).
    private var chunk = [UInt8](repeating: 0, count: 64 * 1024)

    init(fd: Int32, id: Int, logger: Logger) {
        self.fd = fd
        self.id = id
        self.logger = logger
    }

    /// Bytes answered but not yet written.
    var pendingOutput: Int { output.count - outputOffset }

    /// True when the connection should close: the peer is gone, broke the protocol, or cannot be
    /// written to, and every answer that could be written has been.
    var isFinished: Bool { writeFailed || brokenBy != nil || (readEnded && pendingOutput == 0) }

    /// Reads what is available (up to 1 MiB per call, so one busy client cannot starve the
    /// others) and appends every complete request to `requests`.
    func readFrames(into requests: inout [KVRequestFrame]) {
        var budget = 1 << 20
        while budget > 0 && !readEnded && brokenBy == nil {
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
                    readEnded = true
                }
                break
            }
            budget -= n
            chunk.withUnsafeBytes { decoder.feed(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            decoding: while true {
                switch decoder.next() {
                case .needMoreBytes:
                    break decoding
                case .fail(let error):
                    brokenBy = error
                    break decoding
                case .frame(let payload):
                    do throws(KVError) {
                        requests.append(try KVWire.decodeRequest(payload))
                    } catch {
                        brokenBy = error
                        break decoding
                    }
                }
            }
        }
    }

    /// Queues an answer for writing.
    func queue(_ response: KVResponseFrame) {
        output.append(contentsOf: KVWire.encode(response))
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
                    writeFailed = true  // The peer is gone; nothing more to say to it.
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
        while pendingOutput > 0 && !writeFailed {
            flush()
            if pendingOutput > 0 && !writeFailed {
                var descriptor = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                if poll(&descriptor, 1, 1000) <= 0 { return }
            }
        }
    }
}
