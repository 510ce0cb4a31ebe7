import CShims
import EdgeKV

#if canImport(Glibc)
    import Glibc
#endif

/// One blocking connection to our KV service speaking raw `KVWire` frames, one request at a time.
///
/// Not a client for the runtime (that is `KVClient`): it drives our service exactly the way
/// `RESPClient` drives Redis, from a plain thread, so the benchmark can show the service's own
/// rate apart from the async client's task hand-offs. Used by one thread at a time.
final class KVBlockingConnection {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private let fd: Int32
    private var decoder = KVFrameDecoder()
    private var chunk = [UInt8](repeating: 0, count: 256 * 1024)
    private var nextID: UInt64 = 1

    init(socketPath: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        _ = cshims_unix_address(socketPath, &address)  // a path that does not fit fails the connect
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard rc == 0 else {
            close(fd)
            throw Failure(description: "cannot connect to \(socketPath): \(String(cString: strerror(errno)))")
        }
    }

    deinit { close(fd) }

    /// Sends `request` and blocks until its answer arrives.
    func call(_ request: KVRequest) throws -> KVResult {
        let id = nextID
        nextID += 1
        let frame = KVWire.encode(KVRequestFrame(id: id, request: request))
        let sent = frame.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == frame.count else { throw Failure(description: "short write to the KV service") }
        while true {
            switch decoder.next() {
            case .frame(let payload):
                let response = try KVWire.decodeResponse(payload)
                if case .failure(let error) = response.result { throw error }
                return response.result
            case .fail(let error):
                throw error
            case .needMoreBytes:
                let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                guard n > 0 else { throw Failure(description: "the KV service closed the connection") }
                chunk.withUnsafeBytes { decoder.feed(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            }
        }
    }
}
