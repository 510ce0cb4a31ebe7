import Foundation
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// A client that holds a streamed response open over a raw TCP socket, so a test can act while
/// the stream lives and then see how it ends. Blocking: call its methods inside `blocking`.
///
/// Confined: one test drives it from one thread at a time; `received` is only touched there.
final class HeldStream: @unchecked Sendable {
    let fd: Int32
    private(set) var received = ""

    /// Connects to 127.0.0.1:`port` and sends `GET path` (keep-alive, HTTP/1.1).
    init(port: Int, path: String) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var timeout = timeval(tv_sec: Int(TestSupport.hangTimeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(fd)
            throw WorldError(message: "cannot connect to port \(port): errno \(errno)")
        }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: test\r\nAccept: text/event-stream\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Reads until `marker` has arrived; false on EOF or the receive timeout (`TestSupport.hangTimeout`) first.
    func read(until marker: String) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !received.contains(marker) {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { return false }
            received += String(decoding: buffer[0..<count], as: UTF8.self)
        }
        return true
    }

    /// Reads until the chunked body's last chunk or EOF; true when one of them came.
    func readToEnd() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !received.hasSuffix("\r\n0\r\n\r\n") {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count == 0 { return true }
            if count < 0 { return false }
            received += String(decoding: buffer[0..<count], as: UTF8.self)
        }
        return true
    }

    /// Closes the connection, the way a client that leaves does.
    func hangUp() { shutdown(fd, Int32(SHUT_RDWR)) }

    deinit { close(fd) }
}
