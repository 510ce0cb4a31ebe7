import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Passes a child's standard error through to ours, line by line, while remembering its last
/// lines (for the error that explains a failed start) and watching for a readiness line.
///
/// Children log one JSON object per line; writing whole lines keeps two children's lines from
/// interleaving mid-line on our stderr. The relay reads on a thread of its own until the pipe
/// closes, which happens when the child (the only writer) exits.
final class LogRelay: Sendable {
    private struct State {
        var lastLines: [String] = []
        var sawNeedle = false
        var finished = false
    }

    private let readFD: Int32
    private let needle: String?
    private let state = Mutex(State())
    private static let keptLines = 5

    /// Relays from `readFD` (which the relay closes at end of file); watches for `needle`.
    init(readFD: Int32, needle: String?) {
        self.readFD = readFD
        self.needle = needle
        let thread = Thread { [self] in pump() }
        thread.name = "up-log-relay"
        thread.start()
    }

    /// True once a line containing the needle went by.
    var sawNeedle: Bool { state.withLock { $0.sawNeedle } }

    /// The child's last few lines, oldest first.
    var lastLines: [String] { state.withLock { $0.lastLines } }

    /// Waits until the pipe has been read to its end (the child and anything it left holding the
    /// pipe are gone), at most `timeout` by `now`: a child that exits may still have lines in the
    /// pipe, and they are the ones that explain why.
    func waitUntilDrained(timeout: Duration, now: () -> ContinuousClock.Instant = { ContinuousClock.now }) {
        let deadline = now() + timeout
        while !state.withLock({ $0.finished }) && now() < deadline { usleep(5_000) }
    }

    private func pump() {
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(readFD, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            pending.append(contentsOf: buffer[0..<count])
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                emit(Array(pending[...newline]))
                pending.removeSubrange(...newline)
            }
        }
        if !pending.isEmpty { emit(pending + [UInt8(ascii: "\n")]) }
        close(readFD)
        state.withLock { $0.finished = true }
    }

    private func emit(_ line: [UInt8]) {
        var written = 0
        while written < line.count {
            let n = line[written...].withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            written += n
        }
        let text = String(decoding: line.dropLast(), as: UTF8.self)
        state.withLock { state in
            state.lastLines.append(text)
            if state.lastLines.count > Self.keptLines { state.lastLines.removeFirst() }
            if let needle, text.contains(needle) { state.sawNeedle = true }
        }
    }
}
