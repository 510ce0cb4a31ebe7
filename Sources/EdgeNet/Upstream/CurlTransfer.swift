import CCurl
import EdgeHTTP
import Foundation
import Synchronization

/// One request in flight on the multi loop: its easy handle, header list, buffers, and the
/// continuation of the task waiting for it.
///
/// `@unchecked Sendable` because it is created by the caller and then handed to the loop thread,
/// which alone touches it from then on (libcurl's callbacks run on that thread, inside
/// `curl_multi_perform`). The continuation is resumed exactly once, by the loop.
final class CurlTransfer: @unchecked Sendable {
    typealias Outcome = Result<UpstreamResponse, UpstreamError>

    let id: UInt64
    let prepared: PreparedUpstreamRequest
    /// Set by the waiting task's cancellation handler, from any thread.
    let cancellation: UpstreamCancellation
    private let continuation: CheckedContinuation<Outcome, Never>
    private(set) var easy: UnsafeMutableRawPointer?
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private var head = UpstreamResponseHead()
    private var body: [UInt8] = []
    private var maxResponseBytes = Int.max
    private var bodyTooLarge = false

    init(
        id: UInt64, prepared: PreparedUpstreamRequest, cancellation: UpstreamCancellation,
        continuation: CheckedContinuation<Outcome, Never>
    ) {
        self.id = id
        self.prepared = prepared
        self.cancellation = cancellation
        self.continuation = continuation
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        if let easy { curl_easy_cleanup(easy) }
        if let headerList { curl_slist_free_all(headerList) }
        errorBuffer.deallocate()
    }

    /// Hands the outcome to the waiting task. Called once, by the loop.
    func resume(_ outcome: Outcome) { continuation.resume(returning: outcome) }

    /// Creates and configures the easy handle; an error means nothing was started.
    func makeEasyHandle(configuration: UpstreamClient.Configuration) -> UpstreamError? {
        guard let easy = curl_easy_init() else {
            return UpstreamError(.network, "libcurl could not allocate a transfer for \(prepared.origin)")
        }
        self.easy = easy
        maxResponseBytes = configuration.maxResponseBytes
        let request = prepared.request
        let context = Unmanaged.passUnretained(self).toOpaque()
        var failed: [String] = []
        func set(_ what: String, _ code: CURLcode) { if code != CURLE_OK { failed.append(what) } }

        set("url", ccurl_setopt_string(easy, CURLOPT_URL, request.url))
        // Only HTTP(S): a redirect or typo must never reach file:// or another protocol.
        set("protocols", ccurl_setopt_string(easy, CURLOPT_PROTOCOLS_STR, "http,https"))
        // Signals and threads do not mix; timeouts are enforced by the multi loop instead.
        set("nosignal", ccurl_setopt_long(easy, CURLOPT_NOSIGNAL, 1))
        if request.freshConnection {
            // Not reused, so libcurl never re-sends it after a dead connection (see UpstreamRequest).
            set("fresh connect", ccurl_setopt_long(easy, CURLOPT_FRESH_CONNECT, 1))
            set("forbid reuse", ccurl_setopt_long(easy, CURLOPT_FORBID_REUSE, 1))
        }
        set(
            "connect timeout",
            ccurl_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, configuration.connectTimeout.upstreamMilliseconds))
        set(
            "timeout",
            ccurl_setopt_long(
                easy, CURLOPT_TIMEOUT_MS, (request.timeout ?? configuration.totalTimeout).upstreamMilliseconds))
        set("verify peer", ccurl_setopt_long(easy, CURLOPT_SSL_VERIFYPEER, configuration.verifyTLS ? 1 : 0))
        set("verify host", ccurl_setopt_long(easy, CURLOPT_SSL_VERIFYHOST, configuration.verifyTLS ? 2 : 0))
        if let bundle = configuration.caBundlePath {
            set("CA bundle", ccurl_setopt_string(easy, CURLOPT_CAINFO, bundle))
        }
        set("user agent", ccurl_setopt_string(easy, CURLOPT_USERAGENT, configuration.userAgent))
        if configuration.acceptCompressedResponses {
            set("accept encoding", ccurl_setopt_string(easy, CURLOPT_ACCEPT_ENCODING, ""))
        }
        set("error buffer", ccurl_setopt_pointer(easy, CURLOPT_ERRORBUFFER, errorBuffer))
        set("write function", ccurl_setopt_write_function(easy, curlWriteBody))
        set("write data", ccurl_setopt_pointer(easy, CURLOPT_WRITEDATA, context))
        set("header function", ccurl_setopt_header_function(easy, curlWriteHeader))
        set("header data", ccurl_setopt_pointer(easy, CURLOPT_HEADERDATA, context))
        setMethodAndBody(easy, request, set)

        for field in request.headers {
            // `Name;` is libcurl's spelling of a field with an empty value.
            let line = field.value.isEmpty ? "\(field.name);" : "\(field.name): \(field.value)"
            headerList = curl_slist_append(headerList, line)
        }
        // libcurl adds `Expect: 100-continue` to large bodies, costing a round trip; APIs like
        // Schwab's do not need it.
        if !request.headers.contains("Expect") { headerList = curl_slist_append(headerList, "Expect:") }
        set("headers", ccurl_setopt_slist(easy, CURLOPT_HTTPHEADER, headerList))

        guard failed.isEmpty else {
            return UpstreamError(
                .invalidRequest, "libcurl refused options (\(failed.joined(separator: ", "))) for \(prepared.origin)")
        }
        return nil
    }

    private func setMethodAndBody(
        _ easy: UnsafeMutableRawPointer, _ request: UpstreamRequest, _ set: (String, CURLcode) -> Void
    ) {
        let method = request.method.rawValue
        let sendsBody = !request.body.isEmpty || ["POST", "PUT", "PATCH"].contains(method)
        if method == "HEAD" {
            set("nobody", ccurl_setopt_long(easy, CURLOPT_NOBODY, 1))
        } else if sendsBody {
            set("body size", ccurl_setopt_off(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count)))
            // COPYPOSTFIELDS copies the bytes, so nothing here must outlive the call.
            let code = request.body.withUnsafeBytes { bytes in
                withUnsafeBytes(of: UInt8(0)) { empty in
                    ccurl_setopt_pointer(
                        easy, CURLOPT_COPYPOSTFIELDS,
                        UnsafeMutableRawPointer(mutating: bytes.baseAddress ?? empty.baseAddress))
                }
            }
            set("body", code)
            if method != "POST" { set("method", ccurl_setopt_string(easy, CURLOPT_CUSTOMREQUEST, method)) }
        } else if method == "GET" {
            set("get", ccurl_setopt_long(easy, CURLOPT_HTTPGET, 1))
        } else {
            set("method", ccurl_setopt_string(easy, CURLOPT_CUSTOMREQUEST, method))
        }
    }

    fileprivate func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard body.count + bytes.count <= maxResponseBytes else {
            bodyTooLarge = true
            return false
        }
        body.append(contentsOf: bytes)
        return true
    }

    fileprivate func receiveHeader(_ bytes: UnsafeRawBufferPointer) { head.feed(bytes) }

    /// The outcome of a transfer that libcurl reports done with `code`.
    func outcome(for code: CURLcode) -> Outcome {
        if code == CURLE_OK {
            var status = 0
            if head.status == 0, let easy { _ = ccurl_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status) }
            return .success(
                UpstreamResponse(status: head.status != 0 ? head.status : status, headers: head.headers, body: body))
        }
        if bodyTooLarge {
            return .failure(
                UpstreamError(.network, "the response from \(prepared.origin) exceeds \(maxResponseBytes) bytes"))
        }
        return .failure(CurlErrorMapping.error(for: code, detail: detail, origin: prepared.origin))
    }

    /// libcurl's own explanation, with the path and query cut out (they can hold identifiers).
    private var detail: String {
        var text = String(cString: errorBuffer)
        if prepared.pathAndQuery.count > 1 {
            text = text.replacingOccurrences(of: prepared.pathAndQuery, with: "/…")
        }
        return text
    }
}

/// A flag the cancellation handler sets before it asks the loop to abort, so that a cancel that
/// overtakes the transfer's start is still seen.
final class UpstreamCancellation: Sendable {
    private let flag = Atomic(false)
    var isCancelled: Bool { flag.load(ordering: .acquiring) }
    func cancel() { flag.store(true, ordering: .releasing) }
}

/// CURLOPT_WRITEFUNCTION: appends body bytes; returning less than given aborts the transfer.
private func curlWriteBody(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
    guard let context else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    return transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: length)) ? length : 0
}

/// CURLOPT_HEADERFUNCTION: one header line at a time, status lines included.
private func curlWriteHeader(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
    guard let context else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    transfer.receiveHeader(UnsafeRawBufferPointer(start: data, count: length))
    return length
}
