import EdgeHTTP
import EdgeRuntime
import Synchronization

/// What every `RecordingObject` in a test did, shared across instances and hosts.
final class ObjectJournal: Sendable {
    struct Record: Sendable {
        var initializations: [String: Int] = [:]
        var initializedOn: [String: [String]] = [:]
        var props: [String: [String: String]] = [:]
        var reconnects: [String: Int] = [:]
        var deactivations: [String: Int] = [:]
        var handled: [String: [String]] = [:]
        var maximumInFlight = 0
    }

    let record = Mutex(Record())
    /// Events running right now per object id; must never exceed 1 for any one object.
    let inFlight = Mutex([String: Int]())
    /// Events parked at `/wait`, released by `openGate()`.
    private let gate = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func initializations(_ id: String) -> Int { record.withLock { $0.initializations[id] ?? 0 } }
    func handled(_ id: String) -> [String] { record.withLock { $0.handled[id] ?? [] } }
    var maximumInFlight: Int { record.withLock { $0.maximumInFlight } }

    func enter(_ id: String) {
        let now = inFlight.withLock { counts in
            counts[id, default: 0] += 1
            return counts[id]!
        }
        record.withLock { $0.maximumInFlight = max($0.maximumInFlight, now) }
    }

    func exit(_ id: String) { inFlight.withLock { $0[id, default: 0] -= 1 } }

    func waitAtGate() async {
        await withCheckedContinuation { continuation in
            let resumeNow = gate.withLock { g in
                if g.open { return true }
                g.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    var gateWaiters: Int { gate.withLock { $0.waiters.count } }

    func openGate() {
        let waiters = gate.withLock { g in
            g.open = true
            defer { g.waiters = [] }
            return g.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}

/// A small object class for runtime tests. Paths:
/// - `/count`: reads `count` from storage, yields, writes count+1, answers the new count;
/// - `/wait`: parks until the journal's gate opens, then answers `waited`;
/// - `/stream`: a streamed response that stays open until the gate opens;
/// - `/get?key` and `/put?key` (body is the value): raw storage access.
/// Every event records its label (the `X-Label` header) in arrival order of execution.
final class RecordingObject: DurableObject {
    let journal: ObjectJournal
    var context: ObjectContext?
    var id: String { context?.address.id ?? "?" }

    init(journal: ObjectJournal) { self.journal = journal }

    func initialize(context: ObjectContext) async throws {
        self.context = context
        journal.record.withLock {
            $0.initializations[context.address.id, default: 0] += 1
            $0.initializedOn[context.address.id, default: []].append(context.hostID)
            $0.props[context.address.id] = context.props
        }
    }

    func onReconnect() async { journal.record.withLock { $0.reconnects[id, default: 0] += 1 } }

    func willDeactivate() async { journal.record.withLock { $0.deactivations[id, default: 0] += 1 } }

    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        journal.enter(id)
        defer { journal.exit(id) }
        journal.record.withLock { $0.handled[id, default: []].append(request.headers["X-Label"] ?? "") }
        guard let storage = context?.storage else { return .text("no context", status: .internalServerError) }
        do {
            switch request.path {
            case "/count":
                let count = try await storage.get("count", as: Int.self) ?? 0
                await Task.yield()
                try await storage.put("count", json: count + 1)
                return .text("\(count + 1)")
            case "/wait":
                await journal.waitAtGate()
                return .text("waited")
            case "/stream":
                let journal = self.journal
                return HTTPResponse(body: .stream { _ in await journal.waitAtGate() })
            case "/get":
                guard let value = try await storage.get(String(request.head.query)) else {
                    return .text("", status: .notFound)
                }
                return HTTPResponse(bytes: value)
            case "/put":
                try await storage.put(String(request.head.query), request.body)
                return .text("stored")
            default:
                return .text("no such path", status: .notFound)
            }
        } catch {
            return .text("\(error)", status: .serviceUnavailable)
        }
    }

    static func registry(_ journal: ObjectJournal) -> ObjectRegistry {
        var registry = ObjectRegistry()
        registry.register("Recorder") { RecordingObject(journal: journal) }
        return registry
    }
}

/// A request for `path` on the Recorder object `id`.
func recorderRequest(
    _ id: String, _ path: String, label: String = "", body: [UInt8] = [], reconnect: Bool = false
) -> ObjectRequest {
    ObjectRequest(
        address: ObjectAddress(className: "Recorder", id: id), props: ["schwabUserId": id],
        http: HTTPRequest(head: HTTPRequestHead(method: .post, target: path, headers: ["X-Label": label]), body: body),
        isReconnect: reconnect)
}

extension HTTPResponse {
    /// The body as text, for `.bytes` bodies.
    var text: String {
        if case .bytes(let bytes) = body { return String(decoding: bytes, as: UTF8.self) }
        return "<stream>"
    }
}
