import EdgeCore
import Synchronization

/// The stdio transport's output: each message as one line of compact JSON followed by `\n`
/// (MCP spec 2025-11-25, basic/transports "stdio"; compact JSON never contains a raw newline).
///
/// Writes are serialised behind a `Mutex`, so lines from concurrent calls never interleave.
/// After `close()`, or once a write fails (the client went away), nothing more is written.
public final class StdioOutput: MCPMessageSink {
    /// Writes all the bytes or returns false.
    public typealias Writer = @Sendable ([UInt8]) -> Bool

    private let state: Mutex<Bool>  // true once closed
    private let writer: Writer

    /// An output writing through `writer` (fd 1 in the binary, a buffer in tests).
    public init(writer: @escaping Writer) {
        self.writer = writer
        state = Mutex(false)
    }

    /// Writes one message as one line; false when the output is closed.
    @discardableResult
    public func publish(_ message: JSONRPCMessage) -> Bool { write(message.bytes) }

    /// Writes one line of JSON bytes (no newline inside); false when the output is closed.
    @discardableResult
    public func write(_ json: [UInt8]) -> Bool {
        state.withLock { closed in
            guard !closed else { return false }
            if !writer(json + [UInt8(ascii: "\n")]) { closed = true }
            return !closed
        }
    }

    /// Nothing to detach: stdio has one connection for the whole session.
    public func detachCurrent() {}

    /// Stops writing.
    public func close() { state.withLock { $0 = true } }

    /// Whether the output is closed.
    public var isClosed: Bool { state.withLock { $0 } }
}
