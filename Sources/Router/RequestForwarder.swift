import EdgeCore
import EdgeHTTP
import EdgeNet
import EdgeRuntime
import Foundation

/// Carries one client request to the host that owns its object and the host's answer back.
///
/// The owner is the first host in the object's rendezvous ranking among live hosts. A host that
/// answers `notOwner` has not run the request: another host still holds the lease. Either that
/// host is live (a host joined and the object now hashes to it), so every other host is asked to
/// hand the object off (`HostControl.release`: finish its events, release the lease), or it is
/// dead and its lease is about to be taken over (presumed-dead notice) or to expire. Either way
/// the owner is asked again after a short, growing pause, for at most `retryBudget`. A host that is lost before it
/// answers had the request, so the request is re-sent elsewhere only when its method is
/// idempotent (RFC 9110 §9.2.2); otherwise the client gets a 502 and decides.
///
/// A response whose length is known and small comes back whole; any other (Server-Sent Events,
/// large or open-ended bodies) is streamed: each chunk is read from the host only after the
/// previous one was written to the client, so a slow client holds back its own host stream and
/// no other. The client leaving cancels the host stream; the host leaving ends the client's.
/// A request carrying `Last-Event-ID` is a client resuming an event stream (WHATWG HTML
/// §9.2.4), so it is flagged `.reconnect` and a live object runs `onReconnect()` first.
struct RequestForwarder: Sendable {
    let pool: HostPool
    let metrics: RouterMetrics
    let logger: Logger
    let retryBudget: Duration
    /// Known-length bodies up to this size are read whole and sent with `Content-Length`.
    static let wholeBodyLimit = 1 << 20

    /// Forwards `request` to object `objectClass`/`objectID` with `props`.
    ///
    /// Runs on the pool's event loop (the thread that owns every host connection): the frames
    /// out and the answer's frames in are handled there, in the same turn that reads them,
    /// instead of waking a thread of the global executor for each step.
    func forward(
        _ request: HTTPRequest, objectClass: String, objectID: String, props: [String: String]
    ) async -> HTTPResponse {
        await withTaskExecutorPreference(pool.loop) {
            await forwardOnLoop(request, objectClass: objectClass, objectID: objectID, props: props)
        }
    }

    private func forwardOnLoop(
        _ request: HTTPRequest, objectClass: String, objectID: String, props: [String: String]
    ) async -> HTTPResponse {
        let head = ForwardedHead.request(request, objectClass: objectClass, objectID: objectID, props: props)
        let reconnect: RuntimeFrameFlags = request.headers["Last-Event-ID"] != nil ? [.reconnect] : []
        let clock = ContinuousClock()
        let deadline = clock.now + retryBudget
        var excluded = Set<Placement.HostID>()
        var refusals = 0
        var lastProblem = "no session host is running (none found in the socket folder)"
        while true {
            let ranking = pool.ranking(of: objectID).filter { !excluded.contains($0) }
            if let host = ranking.first, let connection = pool.connection(to: host) {
                let stream: RuntimeStream
                do {
                    stream = try await connection.send(head, body: request.body, flags: reconnect)
                } catch {
                    // Nothing reached the host: any method may go elsewhere.
                    excluded.insert(host)
                    lastProblem = "host \(host): \(error.message)"
                    metrics.recordRetry()
                    continue
                }
                do {
                    let answer = try await stream.responseHead()
                    return await response(answer, from: stream, isHead: request.method == .head)
                } catch let error where error.cancelCode == RuntimeCancel.notOwner {
                    if refusals % 4 == 0 {
                        await pool.requestRelease(
                            objectClass: objectClass, objectID: objectID, except: host, timeout: .seconds(2))
                    }
                    refusals += 1
                    lastProblem = "host \(host) could not take the lease of \(objectClass)/\(objectID)"
                } catch let error where error.code == .cancelled && error.cancelCode == RuntimeCancel.shuttingDown {
                    excluded.insert(host)
                    lastProblem = "host \(host) is shutting down"
                    metrics.recordRetry()
                    continue
                } catch let error where error.code == .cancelled {
                    return failure(
                        .badGateway, RouterError(.hostLost, "the session host failed the request: \(error.message)"))
                } catch {
                    guard Self.isIdempotent(request.method) else {
                        return failure(
                            .badGateway,
                            RouterError(
                                .hostLost,
                                "the session host went away while handling this \(request.method) request; "
                                    + "it may or may not have taken effect: retry it if that is safe"))
                    }
                    excluded.insert(host)
                    lastProblem = "host \(host): \(error.message)"
                    metrics.recordRetry()
                    continue
                }
            }
            guard clock.now < deadline else {
                return failure(
                    .serviceUnavailable,
                    RouterError(.noHost, "no session host could take \(objectClass)/\(objectID): \(lastProblem)"))
            }
            metrics.recordRetry()
            let pause = min(25 * (1 << min(refusals, 4)), 400)
            try? await Task.sleep(for: .milliseconds(pause))
            excluded.removeAll()
        }
    }

    /// The client's response for a host's answer `head` on `stream`.
    func response(_ head: RuntimeResponseHead, from stream: RuntimeStream, isHead: Bool) async -> HTTPResponse {
        let headers = ForwardedHead.response(head.headers)
        let code = head.status.code
        if isHead || code < 200 || code == 204 || code == 304 {
            _ = try? await stream.readBody(limit: Self.wholeBodyLimit)
            return HTTPResponse(status: head.status, headers: headers, bytes: [])
        }
        if let length = head.headers["Content-Length"].flatMap({ Int(Substring($0).trimmingSpaces) }),
            length <= Self.wholeBodyLimit
        {
            do {
                let body = try await stream.readBody(limit: length)
                return HTTPResponse(status: head.status, headers: headers, bytes: body)
            } catch {
                return failure(
                    .badGateway, RouterError(.hostLost, "the session host went away mid-answer: \(error.message)"))
            }
        }
        let relay = StreamRelay(stream: stream)
        return HTTPResponse(status: head.status, headers: headers, body: .stream { out in await relay.pump(to: out) })
    }

    /// GET, HEAD, OPTIONS, TRACE, PUT and DELETE may be repeated (RFC 9110 §9.2.2).
    static func isIdempotent(_ method: HTTPMethod) -> Bool {
        [.get, .head, .options, .put, .delete, HTTPMethod("TRACE")].contains(method)
    }

    /// A plain-text error answer naming what went wrong, logged (without headers or body, so no
    /// credential reaches the log).
    func failure(_ status: HTTPStatus, _ error: RouterError) -> HTTPResponse {
        logger.warn(
            "request not forwarded", [("code", .string(error.code.rawValue)), ("reason", .string(error.message))])
        var response = HTTPResponse.text(error.message + "\n", status: status)
        response.headers.set("X-Router-Error", error.code.rawValue)
        if status == .serviceUnavailable { response.headers.set("Retry-After", "1") }
        return response
    }
}

/// The router's `.later` work (forwarding, metrics) only awaits event-loop I/O, so it runs on the
/// loop of the client's connection: a forwarded call then hops only to the host-connection loop
/// and back (`RequestForwarder.forward`).
extension RouterResponder: EventLoopResponder {}
