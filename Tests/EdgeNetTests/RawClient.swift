import Foundation
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// A blocking TCP client for tests that need exact bytes on the wire: pipelining, smuggling
/// attempts, trickled headers, clients that never read. Reads give up after `readTimeout`
/// seconds so a broken server fails the test instead of hanging it.
///
/// `@unchecked Sendable`: a test hands a client to one `blocking` thread at a time and waits for
/// it, so no two threads use it at once; the descriptor itself is set once.
final class RawClient: @unchecked Sendable {
    let fd: Int32

    /// Connects to 127.0.0.1:`port`. The descriptor is stored only once connected: a class whose
    /// init throws after every property is set still runs `deinit`, which would close the number a
    /// second time, by then perhaps another thread's socket or pipe.
    init(port: Int, readTimeout: Int = Int(TestSupport.hangTimeout)) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = UInt16(port).bigEndian
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard rc == 0 else {
            let failure = errno
            close(fd)
            throw RawClientError(message: "connect to 127.0.0.1:\(port) failed: errno \(failure)")
        }
        self.fd = fd
        var timeout = timeval(tv_sec: readTimeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    /// Sends all of `text`; false when the server has closed.
    @discardableResult
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// Sends all of `bytes`; false when the server has closed.
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL))
            }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    /// One read: the bytes, empty at EOF or reset, nil on timeout or another error.
    func receiveOnce(max: Int = 65536) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: max)
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, max, 0) }
        if n < 0 { return errno == ECONNRESET ? [] : nil }
        return Array(buffer[0..<n])
    }

    /// Reads until `text` has arrived (returns everything read), or EOF/timeout (returns what came).
    func receive(until text: String) -> String {
        var received: [UInt8] = []
        while !String(decoding: received, as: UTF8.self).contains(text) {
            guard let chunk = receiveOnce(), !chunk.isEmpty else { break }
            received += chunk
        }
        return String(decoding: received, as: UTF8.self)
    }

    /// Reads until the server closes; `closed` is false when the read timed out instead.
    func receiveUntilClosed() -> (text: String, closed: Bool) {
        var received: [UInt8] = []
        while true {
            guard let chunk = receiveOnce() else { return (String(decoding: received, as: UTF8.self), false) }
            if chunk.isEmpty { return (String(decoding: received, as: UTF8.self), true) }
            received += chunk
        }
    }

    /// Whether a read would return at once (bytes or the end of the stream); never blocks. False
    /// means the server has neither answered nor closed.
    var hasInput: Bool {
        var probe = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&probe, 1, 0) > 0
    }

    /// Shrinks the receive buffer, so a test that never reads fills it quickly.
    func setSmallReceiveBuffer() {
        var size: Int32 = 4096
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
    }
}

struct RawClientError: Error {
    let message: String
}

/// Counts occurrences of `needle` in `text`.
func occurrences(of needle: String, in text: String) -> Int {
    text.components(separatedBy: needle).count - 1
}
