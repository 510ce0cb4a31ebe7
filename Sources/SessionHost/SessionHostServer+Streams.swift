import EdgeCore
import EdgeHTTP
import EdgeRuntime
import Synchronization

/// Turning router streams into object events and object answers back into streams.
extension SessionHostServer {
    /// Marks a `.stream` response whose body writes one whole answer once it is computed (the
    /// object returned it at once to leave its mailbox free): the host waits for the body and
    /// sends it with `Content-Length`. Never sent to the router; only objects of this host use it.
    static let wholeBodyHeader = "X-Session-Host-Whole-Body"

    /// Serves one stream on a task of its own; the host counts it until its body is done.
    ///
    /// The task prefers the host's event loop, as do the objects' mailboxes: the body chunks the
    /// loop reads, the event, the object's answer and the frames that carry it back all run on
    /// that one thread, with no wake-up of another (the cost that dominated a small call).
    func serve(_ stream: RuntimeStream) {
        activeStreams.add(1, ordering: .relaxed)
        Task(executorPreference: loop) { [self] in
            defer { activeStreams.subtract(1, ordering: .releasing) }
            if stream.request.objectClass == HostControl.className {
                await HostControl.serve(stream, server: self)
                return
            }
            let body: [UInt8]
            do {
                body = try await stream.readBody(limit: configuration.bodyLimit)
            } catch {
                return  // cancelled by the router, over the limit (cancelled with a reason), or closed
            }
            let request = ObjectRequest(head: stream.request, body: body, flags: stream.flags)
            do throws(ObjectHostError) {
                let response = try await objects.dispatch(request)
                await send(response, on: stream)
            } catch {
                await refuse(stream, error, address: request.address)
            }
        }
    }

    /// Sends `response`: head, then the bytes or the streamed body, then the end. A `.stream`
    /// body always runs, even when the router already cancelled (it then sees `isClosed`), so the
    /// object host's open-stream count never leaks.
    ///
    /// A `.stream` body marked `SessionHostServer.wholeBodyHeader` (an answer an object computes
    /// outside its mailbox, see `MCPObject`) is collected first and sent like bytes, with its
    /// length, so the router answers it whole instead of relaying chunks.
    func send(_ response: HTTPResponse, on stream: RuntimeStream) async {
        var headers = response.headers
        switch response.body {
        case .bytes(let bytes):
            // The router frames a known length with Content-Length, a stream with chunks.
            headers.set("Content-Length", String(bytes.count))
            await stream.sendWhole(RuntimeResponseHead(status: response.status, headers: headers), body: bytes)
        case .stream(let body) where headers[Self.wholeBodyHeader] != nil:
            headers.remove(Self.wholeBodyHeader)
            let collector = CollectingResponseStream(stream)
            await body(collector)
            let bytes = collector.bytes
            headers.set("Content-Length", String(bytes.count))
            await stream.sendWhole(RuntimeResponseHead(status: response.status, headers: headers), body: bytes)
        case .stream(let body):
            headers.remove("Content-Length")
            stream.sendHead(RuntimeResponseHead(status: response.status, headers: headers))
            await body(HostResponseStream(stream))
            stream.finish()
        }
    }

    /// Answers an event the host could not deliver: a cancel the router acts on (try the next
    /// host) for ownership and drains, an HTTP error for the rest.
    func refuse(_ stream: RuntimeStream, _ error: ObjectHostError, address: ObjectAddress) async {
        switch error.code {
        case .notOwner:
            logger.debug("not the owner", [("object", .string(address.description))])
            stream.cancel(code: RuntimeCancel.notOwner, message: error.message)
        case .shuttingDown:
            stream.cancel(code: RuntimeCancel.shuttingDown, message: error.message)
        default:
            let status: HTTPStatus =
                switch error.code {
                case .unknownClass: .notFound
                case .storageUnavailable: .serviceUnavailable
                default: .internalServerError
                }
            logger.warn(
                "event failed", [("object", .string(address.description)), ("error", .string(error.description))])
            let body = JSONValue.object([("error", .string(error.code.rawValue)), ("message", .string(error.message))])
            await send(.json(body.jsonText, status: status), on: stream)
        }
    }
}

/// Collects a streamed body that is really one answer computed later (`wholeBodyHeader`), so it
/// can be sent with its length; it reports the runtime stream's closing like `HostResponseStream`.
final class CollectingResponseStream: ResponseStream, Sendable {
    let stream: RuntimeStream
    private let collected = Mutex<[UInt8]>([])

    init(_ stream: RuntimeStream) { self.stream = stream }

    /// The bytes written so far.
    var bytes: [UInt8] { collected.withLock { $0 } }

    /// Keeps `bytes`; false once the router cancelled the stream.
    @discardableResult
    func write(_ bytes: [UInt8]) async -> Bool {
        collected.withLock { $0.append(contentsOf: bytes) }
        return !stream.isClosed
    }

    /// True once the router cancelled the stream (client gone) or the connection closed.
    var isClosed: Bool { stream.isClosed }

    /// Suspends until the stream is cancelled or its connection closes.
    func waitUntilClosed() async { await stream.waitUntilClosed() }
}

/// A `ResponseStream` over a runtime stream: an object's streamed body (an SSE session) writes
/// here, and each write waits for the stream's credit, so a client that stops reading stops its
/// object's writer through the router, end to end.
struct HostResponseStream: ResponseStream {
    let stream: RuntimeStream

    init(_ stream: RuntimeStream) { self.stream = stream }

    /// Sends bytes, suspending while the router holds back credit; false once the stream is gone.
    @discardableResult
    func write(_ bytes: [UInt8]) async -> Bool { await stream.write(bytes) }

    /// True once the router cancelled the stream (client gone) or the connection closed.
    var isClosed: Bool { stream.isClosed }

    /// Suspends until the stream is cancelled or its connection closes.
    func waitUntilClosed() async { await stream.waitUntilClosed() }
}
