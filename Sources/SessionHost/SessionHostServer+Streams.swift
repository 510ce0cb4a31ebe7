import EdgeCore
import EdgeHTTP
import EdgeRuntime

/// Turning router streams into object events and object answers back into streams.
extension SessionHostServer {
    /// Serves one stream on a task of its own; the host counts it until its body is done.
    func serve(_ stream: RuntimeStream) {
        activeStreams.add(1, ordering: .relaxed)
        Task {
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
    func send(_ response: HTTPResponse, on stream: RuntimeStream) async {
        var headers = response.headers
        switch response.body {
        case .bytes(let bytes):
            // The router frames a known length with Content-Length, a stream with chunks.
            headers.set("Content-Length", String(bytes.count))
            stream.sendHead(RuntimeResponseHead(status: response.status, headers: headers))
            if !bytes.isEmpty { await stream.write(bytes) }
            stream.finish()
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
