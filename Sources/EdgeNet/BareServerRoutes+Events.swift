import EdgeHTTP

extension BareServerRoutes {
    /// A `text/event-stream` response (WHATWG HTML §9.2) sending `tick` events with ids 1...count,
    /// the first carrying `retry: 1000`; 0 means until the client leaves or the server drains.
    static func eventStream(count: Int, intervalMilliseconds: Int) -> HTTPResponse {
        var headers: HTTPHeaders = [:]
        headers.set("Content-Type", "text/event-stream")
        headers.set("Cache-Control", "no-cache")
        return HTTPResponse(
            status: .ok, headers: headers,
            body: .stream { stream in
                await ServerSentEventWriter.serve(stream: stream) { writer in
                    var sent = 0
                    while count == 0 || sent < count {
                        sent += 1
                        let event = ServerSentEvent(
                            id: String(sent), event: "tick", data: String(sent), retry: sent == 1 ? 1000 : nil)
                        guard await writer.send(event) else { return }
                        if count != 0 && sent == count { return }
                        if writer.isClosed { return }
                        try? await Task.sleep(for: .milliseconds(intervalMilliseconds))
                    }
                }
            })
    }
}
