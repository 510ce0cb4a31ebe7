import EdgeCore
import EdgeHTTP
import EdgeRuntime
import Foundation
import Synchronization

/// A small object class for testing the runtime end to end (the issue's "small test object
/// class"): each event records that it entered and left, counts itself in durable storage, and
/// reports which host ran it, so tests can see placement, serial execution, eviction and moves.
///
/// Routes (any method):
/// - `/count[?sleep=MS]`: enter, optionally sleep, read-increment-write the stored `count`, leave.
///   Answers JSON `{"host","count","activations","maxInFlight","reconnects","props"}`. A
///   `maxInFlight` above 1 means two events overlapped; a lost increment shows in `count`.
/// - `/state`: the same report without counting.
/// - `/stream?chunks=N&interval=MS`: a streamed body of N `data: i` events (N=0: until the client
///   leaves; MS=0: as fast as credit allows; `sleep=MS` delays the answer inside the event), the way an SSE session stays open. `streamedBytes`
///   in the report counts what its writes accepted, so tests can see back-pressure.
///
/// Confined to its mailbox (see `DurableObject`): stored properties are touched only by events;
/// the stream body captures only `Sendable` values.
public final class RuntimeProbe: DurableObject {
    /// The class name this object registers under by default.
    public static let className = "RuntimeProbe"

    private var context: ObjectContext?
    private var inFlight = 0
    private var maxInFlight = 0
    private var reconnects = 0
    private var activations = 0
    /// Bytes this instance's streamed bodies have written: the one piece of state stream bodies
    /// share with events, so it is atomic.
    private let streamed = StreamedBytes()

    /// A fresh instance; the host calls `initialize(context:)` next.
    public init() {}

    /// Counts this activation in storage, so moves between hosts show up.
    public func initialize(context: ObjectContext) async throws {
        self.context = context
        let previous = try await context.storage.get("activations").flatMap { Int(String(decoding: $0, as: UTF8.self)) }
        activations = (previous ?? 0) + 1
        try await context.storage.put("activations", Array(String(activations).utf8))
    }

    /// Counts reconnects of live clients.
    public func onReconnect() async { reconnects += 1 }

    /// Answers one event (see the type's routes).
    public func handle(_ request: HTTPRequest) async -> HTTPResponse {
        guard let context else { return .text("not initialized\n", status: .internalServerError) }
        let query = QueryParameters(parsing: String(request.head.query))
        switch request.path {
        case "/stream":
            let chunks = Int(query.first("chunks") ?? "") ?? 3
            let interval = Int(query.first("interval") ?? "") ?? 10
            let streamed = self.streamed
            if let sleep = Int(query.first("sleep") ?? ""), sleep > 0 {
                try? await Task.sleep(for: .milliseconds(sleep))
            }
            return HTTPResponse(
                status: .ok, headers: ["Content-Type": "text/event-stream"],
                body: .stream { writer in
                    var n = 0
                    while (chunks == 0 || n < chunks) && !writer.isClosed {
                        let event = Array("data: \(n)\n\n".utf8)
                        guard await writer.write(event) else { return }
                        streamed.count.add(event.count, ordering: .relaxed)
                        n += 1
                        if interval > 0 { try? await Task.sleep(for: .milliseconds(interval)) }
                    }
                })
        case "/state":
            return await report(context, count: nil)
        default:
            inFlight += 1
            maxInFlight = max(maxInFlight, inFlight)
            defer { inFlight -= 1 }
            if let sleep = Int(query.first("sleep") ?? ""), sleep > 0 {
                try? await Task.sleep(for: .milliseconds(sleep))
            }
            do {
                let stored = try await context.storage.get("count").flatMap { Int(String(decoding: $0, as: UTF8.self)) }
                let count = (stored ?? 0) + 1
                await Task.yield()
                try await context.storage.put("count", Array(String(count).utf8))
                return await report(context, count: count)
            } catch {
                return .json(
                    JSONValue.object([("error", .string(error.code.rawValue))]).jsonText, status: .serviceUnavailable)
            }
        }
    }

    private func report(_ context: ObjectContext, count: Int?) async -> HTTPResponse {
        var counted = count
        if counted == nil {
            counted = (try? await context.storage.get("count")).flatMap { $0 }.flatMap {
                Int(String(decoding: $0, as: UTF8.self))
            }
        }
        let report: JSONValue = .object([
            ("host", .string(context.hostID)), ("count", .int(counted ?? 0)), ("activations", .int(activations)),
            ("maxInFlight", .int(maxInFlight)), ("reconnects", .int(reconnects)),
            ("streamedBytes", .int(streamed.count.load(ordering: .relaxed))),
            ("props", .object(context.props.keys.sorted().map { ($0, .string(context.props[$0] ?? "")) })),
        ])
        return .json(report.jsonText)
    }
}

/// A byte counter shared between an object and its stream bodies.
final class StreamedBytes: Sendable {
    let count = Atomic<Int>(0)
}
