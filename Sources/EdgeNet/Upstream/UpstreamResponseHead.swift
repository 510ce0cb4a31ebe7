import EdgeHTTP

/// Collects the status and header fields of a response from the header bytes libcurl hands over.
///
/// A pure state machine: `feed` takes bytes split anywhere and finds lines itself. It keeps only
/// the final response: a 1xx interim head (RFC 9110 §15.2) or a proxy's CONNECT reply is
/// dropped when the next status line starts. Lines after the final head (chunked trailers,
/// RFC 9112 §7.1.2) are ignored. Obsolete line folding (RFC 9112 §5.2) joins onto the previous
/// value with one space.
struct UpstreamResponseHead: Sendable {
    enum State: Sendable, Equatable {
        /// Waiting for a status line.
        case awaitingStatus
        /// Inside a head, collecting fields.
        case fields
        /// The final head ended; further lines are trailers.
        case complete
    }

    private(set) var state = State.awaitingStatus
    private(set) var status = 0
    private(set) var headers = HTTPHeaders()
    private var line: [UInt8] = []
    /// Bytes kept per line at most; longer lines are cut (libcurl already limits header size).
    private let maximumLineLength = 64 * 1024

    /// Takes the next header bytes.
    mutating func feed(_ bytes: some Sequence<UInt8>) {
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                take(line)
                line.removeAll(keepingCapacity: true)
            } else if line.count < maximumLineLength {
                line.append(byte)
            }
        }
    }

    private mutating func take(_ line: [UInt8]) {
        if line.starts(with: Array("HTTP/".utf8)) {
            // A new response head: an interim one's fields must not leak into the final one.
            status = Self.statusCode(in: line) ?? 0
            headers = HTTPHeaders()
            state = .fields
            return
        }
        guard state == .fields else { return }
        if line.isEmpty {
            state = (100..<200).contains(status) ? .awaitingStatus : .complete
            return
        }
        if line.first == UInt8(ascii: " ") || line.first == UInt8(ascii: "\t") {
            let continuation = String(decoding: line, as: UTF8.self)[...].trimmingSpaces
            guard let last = headers.fields.last else { return }
            var rebuilt = HTTPHeaders(headers.fields.dropLast().map { ($0.name, $0.value) })
            rebuilt.add(last.name, last.value + " " + continuation)
            headers = rebuilt
            return
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > 0 else { return }
        let name = String(decoding: line[..<colon], as: UTF8.self)
        let value = String(decoding: line[(colon + 1)...], as: UTF8.self)[...].trimmingSpaces
        headers.add(name, String(value))
    }

    /// The three-digit code after the version in `HTTP/1.1 200 OK` or `HTTP/2 200`.
    private static func statusCode(in line: [UInt8]) -> Int? {
        guard let space = line.firstIndex(of: UInt8(ascii: " ")) else { return nil }
        let digits = line[(space + 1)...].prefix(3)
        guard digits.count == 3, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int(String(decoding: digits, as: UTF8.self))
    }
}
