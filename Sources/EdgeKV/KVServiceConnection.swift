import EdgeCore

#if canImport(Glibc)
    import Glibc
#endif

/// One client connection of `KVService`, served on its own thread until the peer closes, the
/// service shuts it down, or the peer breaks the protocol.
///
/// Confined to its thread: created by the accept loop and then used only by the thread that runs
/// `serve()`.
final class KVServiceConnection: @unchecked Sendable {
    private let fd: Int32
    private let id: Int
    private let handler: KVRequestHandler
    private let logger: Logger

    init(fd: Int32, id: Int, handler: KVRequestHandler, logger: Logger) {
        self.fd = fd
        self.id = id
        self.handler = handler
        self.logger = logger
    }

    /// Reads, answers every complete frame in arrival order, writes the answers in one batch.
    func serve() {
        logger.debug("connection opened", [("connection", .int(id))])
        var decoder = KVFrameDecoder()
        var output: [UInt8] = []
        let input = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 * 1024, alignment: 8)
        defer { input.deallocate() }
        while true {
            let n = UnixSocket.receive(fd, into: input)
            if n == 0 {
                logger.debug("connection closed by peer", [("connection", .int(id))])
                return
            }
            if n < 0 {
                logger.warn(
                    "connection read failed",
                    [("connection", .int(id)), ("error", .string(UnixSocket.describe(errno)))])
                return
            }
            decoder.feed(UnsafeRawBufferPointer(rebasing: input[0..<n]))
            var broken: KVError?
            frames: while true {
                switch decoder.next() {
                case .needMoreBytes:
                    break frames
                case .fail(let error):
                    broken = error
                    break frames
                case .frame(let payload):
                    do {
                        let request = try KVWire.decodeRequest(payload)
                        output.append(contentsOf: KVWire.encode(handler.respond(to: request)))
                    } catch {
                        broken = error
                        break frames
                    }
                }
            }
            // Answers to the good frames before a bad one are still sent: they were executed.
            if !output.isEmpty {
                let failed = output.withUnsafeBytes { UnixSocket.sendAll(fd, $0) }
                output.removeAll(keepingCapacity: output.capacity <= 1 << 20)
                if let failed {
                    logger.warn(
                        "connection write failed",
                        [("connection", .int(id)), ("error", .string(UnixSocket.describe(failed)))])
                    return
                }
            }
            if let broken {
                logger.warn(
                    "closing connection: \(broken.message)",
                    [("connection", .int(id)), ("reason", .string(broken.code.description))])
                return
            }
        }
    }
}
