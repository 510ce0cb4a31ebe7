import EdgeCore
import EdgeHTTP
import EdgeRuntime

#if canImport(Glibc)
    import Glibc
#endif

/// Requests from the router to the host itself rather than to an object: streams whose object
/// class is `_runtime`. Like every stream they arrive only over the 0600 socket, so only the
/// router can send them.
///
/// - `GET /status`: JSON `{"host","pid","liveObjects","objects":[...],"activeStreams","activations",
///   "evictions","kvCalls"}` for
///   health checks and the router's per-host metrics.
/// - `POST /presumed-dead` with a JSON array of host ids (`["host-2"]`): the full set of hosts
///   the router saw die, whose leases this host may take before they expire (one-second failover
///   with 3-second leases). Pass the whole set each time.
/// - `POST /release?class=C&id=I`: hand the object off (finish its events, release its lease)
///   before the router sends it to a new owner; answers once released.
enum HostControl {
    /// The reserved object class of control requests.
    static let className = "_runtime"

    static func serve(_ stream: RuntimeStream, server: SessionHostServer) async {
        let head = stream.request.head
        guard let body = try? await stream.readBody(limit: 1 << 20) else { return }
        let response: HTTPResponse
        switch (head.method, String(head.path)) {
        case (.get, "/status"):
            let live = server.objects.liveObjects.map(\.description).sorted()
            let status: JSONValue = .object([
                ("host", .string(server.configuration.hostID)), ("pid", .int(Int(getpid()))),
                ("liveObjects", .int(live.count)), ("objects", .array(live.map { .string($0) })),
                ("activeStreams", .int(server.activeStreams.load(ordering: .relaxed) - 1)),
                ("activations", .int(server.objects.counters.activations)),
                ("evictions", .int(server.objects.counters.evictions)),
                ("kvCalls", .int(server.objects.counters.kvCalls)),
            ])
            response = .json(status.jsonText)
        case (.post, "/presumed-dead"):
            guard let holders = (try? JSONValue.parse(body))?.arrayValue?.compactMap(\.stringValue) else {
                response = .json(
                    #"{"error":"expected a JSON array of host ids such as [\"host-2\"]"}"#, status: .badRequest)
                break
            }
            server.objects.setPresumedDead(Set(holders))
            response = .json(#"{"ok":true}"#)
        case (.post, "/release"):
            let query = QueryParameters(parsing: String(head.query))
            guard let className = query.first("class"), let id = query.first("id") else {
                response = .json(#"{"error":"expected ?class=<class>&id=<object id>"}"#, status: .badRequest)
                break
            }
            await server.objects.release(ObjectAddress(className: className, id: id))
            response = .json(#"{"released":true}"#)
        default:
            response = .json(#"{"error":"unknown control request"}"#, status: .notFound)
        }
        await server.send(response, on: stream)
    }
}
