import EdgeHTTP
import Synchronization

/// The HTTP client for calls to Schwab (or the sandbox): keep-alive connection reuse, connect
/// and total timeouts, TLS verified by default, all response headers kept.
///
/// Built on libcurl's multi interface rather than FoundationNetworking's URLSession: one
/// dedicated thread drives every transfer with `curl_multi_poll`, callers wait on continuations,
/// and connections stay in the multi handle's cache between requests. Measured on this machine
/// (`scripts/bench upstream`: 2 cores, a Python HTTP/1.1 keep-alive peer on 127.0.0.1, 2000
/// small GETs, release builds), libcurl did MEASURED_NUMBERS. Beyond speed, URLSession on Linux
/// is itself a layer over libcurl that hides the parts we need: it folds repeated header fields
/// (`Set-Cookie`) into one value, exposes no `CAINFO` for a private CA, and its timeouts are
/// per-read rather than per-request.
///
/// Cancelling the calling task aborts its transfer; `shutdown()` aborts all of them and closes
/// the connections. Errors never carry header values, bodies or URL paths.
public final class UpstreamClient: Sendable {
    /// What this client was made with.
    public let configuration: Configuration
    private let loop: CurlMultiLoop?
    private let nextID = Atomic<UInt64>(0)

    /// Makes a client and starts its transfer thread.
    public init(configuration: Configuration = .init()) {
        self.configuration = configuration
        loop = CurlMultiLoop(configuration: configuration)
    }

    deinit { loop?.shutdown() }

    /// Sends `request` and returns the final response, whatever its status.
    ///
    /// - Throws: `UpstreamError` when no response arrived: `.invalidURL` / `.invalidRequest`
    ///   before anything is sent, `.connect`, `.timeout`, `.tls`, `.network` from the exchange,
    ///   `.cancelled` when the task is cancelled or the client shut down.
    public func send(_ request: UpstreamRequest) async throws(UpstreamError) -> UpstreamResponse {
        let prepared = try PreparedUpstreamRequest(request)
        guard let loop else {
            throw UpstreamError(.network, "libcurl could not start; no request to \(prepared.origin) can be sent")
        }
        if Task.isCancelled {
            throw UpstreamError(.cancelled, "the request to \(prepared.origin) was cancelled by its caller")
        }
        let id = nextID.wrappingAdd(1, ordering: .relaxed).newValue
        let cancellation = UpstreamCancellation()
        let outcome = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                loop.submit(
                    CurlTransfer(id: id, prepared: prepared, cancellation: cancellation, continuation: continuation))
            }
        } onCancel: {
            cancellation.cancel()
            loop.cancel(id)
        }
        return try outcome.get()
    }

    /// Aborts every request in flight (they fail with `.cancelled`), closes the connections and
    /// stops the transfer thread. Later `send` calls fail with `.cancelled`. Safe to call twice.
    public func shutdown() { loop?.shutdown() }
}
