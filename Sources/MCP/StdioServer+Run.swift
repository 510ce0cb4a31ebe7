import EdgeCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

extension StdioServer {
    /// A server writing to the process's standard output; serve it with `serve(input: 0)`.
    ///
    /// Standard input is read on a thread of its own (a blocking `read(2)` must not hold a
    /// thread of the cooperative pool); each line is handed to `receive(_:)` in order. At end of
    /// input (MCP spec 2025-11-25, basic/transports "stdio": the client closes the server's
    /// input to shut it down) calls in flight get `drainGrace` to finish.
    public static func standardIO(configuration: Configuration) -> StdioServer {
        StdioServer(configuration: configuration, output: StdioOutput(writer: { bytes in Self.writeAll(1, bytes) }))
    }

    /// Serves lines read from `fd` until it ends, the output closes or `stop()` is called;
    /// returns once every answer has been written.
    public func serve(input fd: Int32) async {
        let (lines, end) = Self.lines(from: fd, maxLineBytes: configuration.maxLineBytes)
        endInput.withLock { $0 = end }
        if output.isClosed { end() }
        for await line in lines {
            if output.isClosed { break }
            switch line {
            case .message(let bytes): await receive(bytes)
            case .tooLong: receiveTooLong()
            }
        }
        await finish()
    }

    /// The lines of `fd`, read on a dedicated thread; the stream ends at end of file or on a
    /// read error.
    static func lines(
        from fd: Int32, maxLineBytes: Int
    ) -> (AsyncStream<StdioLineSplitter.Line>, @Sendable () -> Void) {
        let (stream, continuation) = AsyncStream.makeStream(of: StdioLineSplitter.Line.self)
        let thread = Thread {
            var splitter = StdioLineSplitter(maxLineBytes: maxLineBytes)
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { break }
                for line in splitter.feed(buffer[0..<count]) { continuation.yield(line) }
            }
            if let last = splitter.finish() { continuation.yield(last) }
            continuation.finish()
        }
        thread.name = "stdio-input"
        thread.start()
        return (stream, { continuation.finish() })
    }

    /// Writes every byte to `fd`, retrying short writes and EINTR; false on any other error
    /// (EPIPE when the client has gone: SIGPIPE must be ignored by the caller).
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return false }
                offset += n
            }
            return true
        }
    }
}
