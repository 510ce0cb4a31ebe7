#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An HTTP/1.1 request parser: a pure state machine, bytes in, events out (RFC 9112).
///
/// The server appends whatever a read returned and then calls `next()` until it returns nil;
/// any split of the bytes gives the same events. It never does I/O and never blocks, so tests
/// drive it byte by byte. Bytes after a message's `.end` start the next request (pipelining).
///
/// Choices where RFC 9112 lets a recipient choose, made for safety against request smuggling:
/// - Lines end with CRLF only: a lone LF (§2.2 allows accepting it) or a bare CR is a 400, the
///   same in the head, in chunk-size lines and in trailers.
/// - Empty lines before a request line are skipped (§2.2).
/// - Obsolete line folding is a 400 (§5.2), as is whitespace before a field's colon (§5.1).
/// - `Transfer-Encoding` and `Content-Length` together are a 400 rather than letting one win (§6.3).
/// - Trailer fields are checked like header fields and then dropped (§7.1.2).
/// - An absolute-form target (§3.2.2) is reduced to its path and query, and its authority
///   replaces the `Host` field, so handlers only ever see origin-form.
///
/// The buffer is scanned once: a partial line remembers how far the search for its LF got.
public struct HTTPRequestParser: Sendable {
    enum State: Sendable {
        /// Waiting for a request line; empty lines before it are skipped.
        case requestLine
        /// Reading field lines until the empty line.
        case headerLines
        /// A `Content-Length` body with this many bytes left.
        case fixedBody(remaining: Int)
        /// Waiting for a chunk-size line.
        case chunkSize
        /// Inside a chunk's data, this many bytes left.
        case chunkData(remaining: Int)
        /// After a chunk's data: its CRLF.
        case chunkDataEnd
        /// Reading trailer field lines until the empty line.
        case trailerLines
        /// The message is complete: `.end` is due.
        case messageEnd
        /// An error was reported; nothing more is parsed.
        case dead
    }

    let limits: HTTPParserLimits
    var state: State = .requestLine
    /// Received bytes; those before `readIndex` are consumed.
    var buffer: [UInt8] = []
    var readIndex = 0
    /// How far the search for the current line's LF has got (never before `readIndex`).
    var scanIndex = 0

    // The message being parsed.
    var requestLine: RequestLine?
    var fields: [(name: String, value: String)] = []
    var fieldBytes = 0
    var bodyLimit: Int
    var bodyLimitChecked = false
    var declaredLength = 0
    var bodyReceived = 0

    /// A parser for one connection with the given limits.
    public init(limits: HTTPParserLimits = .default) {
        self.limits = limits
        self.bodyLimit = limits.body
    }

    /// Bytes received but not yet turned into events, so the server can bound its memory (stop
    /// reading while this is large and the application is slow to take the body).
    public var bufferedByteCount: Int { buffer.count - readIndex }

    /// Adds received bytes. Bytes appended after an error are dropped.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        if case .dead = state { return }
        compact()
        buffer.append(contentsOf: bytes)
    }

    /// Adds received bytes. Bytes appended after an error are dropped.
    public mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    /// Sets the largest body accepted for the current request (a per-route limit, RFC 9110
    /// §15.5.14). Call it after `.head` and before the body is consumed: the `Content-Length`
    /// check happens at the next `next()`, and a chunked body is checked as it grows.
    public mutating func setBodyLimit(_ bytes: Int) {
        bodyLimit = max(0, bytes)
    }

    /// The next event, or nil when more bytes are needed.
    public mutating func next() -> HTTPParserEvent? {
        while true {
            switch state {
            case .dead:
                return nil
            case .requestLine:
                switch takeLine(maxContent: limits.requestLine, tooLong: Self.uriTooLong) {
                case .needMore: return nil
                case .failed(let error): return fail(error)
                case .line(let range):
                    if range.isEmpty { continue }  // RFC 9112 §2.2: empty lines before a request
                    switch parseRequestLine(range) {
                    case .failure(let error): return fail(error)
                    case .success(let line):
                        requestLine = line
                        state = .headerLines
                    }
                }
            case .headerLines, .trailerLines:
                let budget = max(0, limits.headerBytes - fieldBytes - 2)
                switch takeLine(maxContent: budget, tooLong: Self.headersTooLarge) {
                case .needMore: return nil
                case .failed(let error): return fail(error)
                case .line(let range):
                    if range.isEmpty {
                        if case .trailerLines = state {
                            state = .messageEnd
                            continue
                        }
                        switch finishHead() {
                        case .failure(let error): return fail(error)
                        case .success(let head): return .head(head)
                        }
                    }
                    if let error = takeField(range, keep: isHeaderState) { return fail(error) }
                }
            case .fixedBody(let remaining):
                if !bodyLimitChecked {
                    bodyLimitChecked = true
                    if declaredLength > bodyLimit { return fail(Self.bodyTooLarge(declaredLength, bodyLimit)) }
                }
                guard let piece = takeBody(upTo: remaining) else { return nil }
                state = remaining == piece.count ? .messageEnd : .fixedBody(remaining: remaining - piece.count)
                return .body(piece)
            case .chunkSize:
                switch takeLine(maxContent: Self.chunkLineLimit, tooLong: Self.chunkLineTooLong) {
                case .needMore: return nil
                case .failed(let error): return fail(error)
                case .line(let range):
                    switch parseChunkSize(range) {
                    case .failure(let error): return fail(error)
                    case .success(0):
                        fieldBytes = 0
                        fields.removeAll(keepingCapacity: true)
                        state = .trailerLines
                    case .success(let size):
                        let (total, overflow) = bodyReceived.addingReportingOverflow(size)
                        if overflow || total > bodyLimit { return fail(Self.bodyTooLarge(total, bodyLimit)) }
                        bodyReceived = total
                        state = .chunkData(remaining: size)
                    }
                }
            case .chunkData(let remaining):
                guard let piece = takeBody(upTo: remaining) else { return nil }
                state = remaining == piece.count ? .chunkDataEnd : .chunkData(remaining: remaining - piece.count)
                return .body(piece)
            case .chunkDataEnd:
                let available = bufferedByteCount
                if available >= 1 && buffer[readIndex] != 0x0D { return fail(Self.missingChunkCRLF) }
                if available < 2 { return nil }
                if buffer[readIndex + 1] != 0x0A { return fail(Self.missingChunkCRLF) }
                consume(upTo: readIndex + 2)
                state = .chunkSize
            case .messageEnd:
                resetMessage()
                state = .requestLine
                return .end
            }
        }
    }

    private var isHeaderState: Bool {
        if case .headerLines = state { return true }
        return false
    }

    private mutating func fail(_ error: HTTPParseError) -> HTTPParserEvent {
        state = .dead
        buffer = []
        readIndex = 0
        scanIndex = 0
        return .error(error)
    }

    private mutating func resetMessage() {
        requestLine = nil
        fields.removeAll(keepingCapacity: true)
        fieldBytes = 0
        bodyLimit = limits.body
        bodyLimitChecked = false
        declaredLength = 0
        bodyReceived = 0
    }

    /// Drops consumed bytes when that is cheap relative to what remains.
    private mutating func compact() {
        if readIndex == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            readIndex = 0
            scanIndex = 0
        } else if readIndex >= 4096 && readIndex * 2 >= buffer.count {
            buffer.removeSubrange(0..<readIndex)
            scanIndex -= readIndex
            readIndex = 0
        }
    }

    mutating func consume(upTo index: Int) {
        readIndex = index
        if scanIndex < readIndex { scanIndex = readIndex }
    }

    /// Up to `limit` buffered body bytes, or nil when none are buffered.
    private mutating func takeBody(upTo limit: Int) -> [UInt8]? {
        let count = min(limit, bufferedByteCount)
        guard count > 0 else { return nil }
        let piece = Array(buffer[readIndex..<readIndex + count])
        consume(upTo: readIndex + count)
        return piece
    }

    enum LineResult {
        /// A complete line: the range of its content in `buffer`, without the CRLF.
        case line(Range<Int>)
        case needMore
        case failed(HTTPParseError)
    }

    /// Takes the next CRLF-terminated line, refusing it as soon as its content exceeds `maxContent`.
    mutating func takeLine(maxContent: Int, tooLong: HTTPParseError) -> LineResult {
        let start = readIndex
        let end = buffer.count
        let from = max(scanIndex, start)
        let found: Int? = buffer.withUnsafeBytes { raw in
            guard from < end, let base = raw.baseAddress,
                let hit = memchr(base + from, 0x0A, end - from)
            else { return nil }
            return base.distance(to: UnsafeRawPointer(hit))
        }
        guard let lf = found else {
            scanIndex = end
            // The last buffered byte may be the CR of a line that is exactly at the limit.
            if end - start - 1 > maxContent { return .failed(tooLong) }
            return .needMore
        }
        guard lf > start, buffer[lf - 1] == 0x0D else { return .failed(Self.bareLF) }
        if lf - 1 - start > maxContent { return .failed(tooLong) }
        consume(upTo: lf + 1)
        return .line(start..<lf - 1)
    }

    // MARK: Errors with a fixed reason

    static let uriTooLong = HTTPParseError(status: .uriTooLong, reason: "request line is longer than the limit")
    static let headersTooLarge = HTTPParseError(
        status: .headersTooLarge, reason: "header section is larger than the limit")
    static let tooManyFields = HTTPParseError(status: .headersTooLarge, reason: "too many header fields")
    static let bareLF = HTTPParseError.badRequest("line ends with LF without CR")
    static let chunkLineLimit = 1024
    static let chunkLineTooLong = HTTPParseError.badRequest("chunk-size line is too long")
    static let missingChunkCRLF = HTTPParseError.badRequest("chunk data is not followed by CRLF")

    static func bodyTooLarge(_ size: Int, _ limit: Int) -> HTTPParseError {
        HTTPParseError(status: .payloadTooLarge, reason: "body of \(size) bytes exceeds the limit of \(limit) bytes")
    }
}
