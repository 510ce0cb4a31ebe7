import EdgeHTTP
import EdgeRuntime
import Synchronization

/// Copies a host's streamed response body to the client, one chunk at a time.
///
/// Back-pressure both ways: the next chunk is taken from the host stream (granting the host
/// credit) only after the client's connection accepted the previous one. The client leaving, at
/// any moment (even between chunks of a quiet SSE stream), cancels the host stream with
/// `clientGone`; the host stream failing ends the client's body.
///
/// The server may drop a streamed response without running its body (the client left while
/// the answer was on its way): `deinit` then cancels the host stream, so the host's open-stream
/// count never leaks.
final class StreamRelay: Sendable {
    let stream: RuntimeStream
    private let started = Atomic<Bool>(false)
    private let finished = Atomic<Bool>(false)

    init(stream: RuntimeStream) { self.stream = stream }

    /// Relays until either side ends.
    func pump(to out: ResponseStream) async {
        started.store(true, ordering: .releasing)
        Task {
            await out.waitUntilClosed()
            if !self.finished.load(ordering: .acquiring) {
                self.stream.cancel(code: RuntimeCancel.clientGone, message: "the client went away")
            }
        }
        defer { finished.store(true, ordering: .releasing) }
        while true {
            let chunk: [UInt8]?
            do {
                chunk = try await stream.readChunk()
            } catch {
                return
            }
            guard let chunk else { return }
            if chunk.isEmpty { continue }
            if !(await out.write(chunk)) {
                stream.cancel(code: RuntimeCancel.clientGone, message: "the client went away")
                return
            }
        }
    }

    deinit {
        if !started.load(ordering: .acquiring) {
            stream.cancel(code: RuntimeCancel.clientGone, message: "the client left before the answer")
        }
    }
}
