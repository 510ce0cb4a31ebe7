import EdgeCore
import EdgeNet
import EdgeRuntime
import Foundation
import Synchronization

/// The session hosts the router can reach: found by their sockets, each behind one persistent
/// multiplexed `RuntimeConnection`, health-checked with pings, and ranked per object by
/// rendezvous hashing (`Placement`).
///
/// A host is live while its connection is open, it has not sent `goAway`, and it answers pings.
/// When a live host is lost (its connection closes or `missedPingLimit` pings in a row go
/// unanswered) the pool counts a failover, adds the host to the presumed-dead set and tells every
/// remaining host the whole set (`HostControl.presumedDead`), so the next host in each object's
/// ranking may take the dead host's leases at once rather than after they expire. The socket
/// folder is rescanned every `scanInterval`: hosts started later (by systemd, say) and restarted
/// hosts are connected, and a host that comes back leaves the presumed-dead set.
///
/// All state sits behind one `Mutex`; connections run on the pool's own `EventLoop` thread.
public final class HostPool: Sendable {
    struct State {
        var links: [Placement.HostID: HostLink] = [:]
        var dead: Set<Placement.HostID> = []
        var stopped = false
        var maintenance: Task<Void, Never>?
    }

    /// The event loop that carries every host connection.
    public let loop: EventLoop
    let configuration: RouterConfiguration
    let logger: Logger
    let metrics: RouterMetrics
    let state = Mutex(State())

    /// A pool for the hosts in `configuration.socketDirectory`; `start()` connects.
    public init(configuration: RouterConfiguration, logger: Logger, metrics: RouterMetrics) throws {
        self.configuration = configuration
        self.logger = logger
        self.metrics = metrics
        loop = try EventLoop(name: "router-hosts")
    }

    /// Starts the loop, connects to every host found now, and begins pinging and rescanning.
    public func start() {
        loop.start()
        scan()
        let task = Task { [weak self] in
            var sinceScan = Duration.zero
            while let pool = self, !pool.isStopped {
                let interval = pool.configuration.pingInterval
                try? await Task.sleep(for: interval)
                await pool.pingAll()
                sinceScan += interval
                if sinceScan >= pool.configuration.scanInterval {
                    sinceScan = .zero
                    pool.scan()
                }
            }
        }
        state.withLock { $0.maintenance = task }
    }

    /// The hosts that take new streams now, in ascending order.
    public var liveHostIDs: [Placement.HostID] {
        state.withLock { $0.links.values.filter { !$0.draining }.map(\.id).sorted() }
    }

    /// The hosts believed dead now.
    public var presumedDead: Set<Placement.HostID> { state.withLock { $0.dead } }

    /// The live hosts ordered for `objectID`: its owner first, then where it fails over to.
    public func ranking(of objectID: String) -> [Placement.HostID] {
        Placement.ranking(of: objectID, among: liveHostIDs)
    }

    /// The connection to host `id` if it takes new streams.
    func connection(to id: Placement.HostID) -> RuntimeConnection? {
        state.withLock { s in s.links[id].flatMap { $0.draining ? nil : $0.connection } }
    }

    /// Stops pinging and scanning, closes every connection and stops the loop.
    public func shutdown() {
        let (links, task) = state.withLock { s -> ([HostLink], Task<Void, Never>?) in
            s.stopped = true
            defer { s.links = [:] }
            return (Array(s.links.values), s.maintenance)
        }
        task?.cancel()
        for link in links { link.connection.close() }
        loop.stop()
        loop.waitUntilStopped()
    }

    var isStopped: Bool { state.withLock { $0.stopped } }

    // MARK: Discovery

    /// Connects to every `host-<N>.sock` in the socket folder that has no connection yet.
    func scan() {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: configuration.socketDirectory)) ?? []
        for name in names {
            guard let id = Self.hostID(fromSocketName: name) else { continue }
            let known = state.withLock { $0.stopped || $0.links[id] != nil }
            if !known { connect(id: id, path: configuration.socketDirectory + "/" + name) }
        }
    }

    /// `host-<N>.sock` to N; nil for any other name.
    static func hostID(fromSocketName name: String) -> Placement.HostID? {
        guard name.hasPrefix("host-"), name.hasSuffix(".sock") else { return nil }
        let digits = name.dropFirst("host-".count).dropLast(".sock".count)
        guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy(\.isASCII), let id = Int(digits), id >= 0 else {
            return nil
        }
        return id
    }

    func connect(id: Placement.HostID, path: String) {
        let callbacks = RuntimeConnection.Callbacks(
            onGoAway: { [weak self] _, message in self?.draining(id: id, message: message) },
            onClose: { [weak self] error in self?.closed(id: id, error: error) })
        let connection: RuntimeConnection
        do {
            connection = try RuntimeConnection.connect(path: path, loop: loop, callbacks: callbacks)
        } catch {
            // A socket file left by a killed host refuses connections until it restarts.
            logger.debug("host socket not answering", [("host", .int(id)), ("error", .string(error.description))])
            return
        }
        let (accepted, cameBack) = state.withLock { s -> (Bool, Bool) in
            guard !s.stopped, s.links[id] == nil else { return (false, false) }
            s.links[id] = HostLink(id: id, connection: connection)
            return (true, s.dead.remove(id) != nil)
        }
        guard accepted else {
            connection.close()
            return
        }
        metrics.recordHostConnection()
        logger.info("host connected", [("host", .int(id)), ("came_back", .bool(cameBack))])
        if cameBack { announcePresumedDead() } else { announcePresumedDead(to: [connection]) }
    }

    // MARK: Losing hosts

    /// The host announced a drain: no new streams for it; it releases its own leases.
    func draining(id: Placement.HostID, message: String) {
        state.withLock { s in s.links[id]?.draining = true }
        logger.info("host draining", [("host", .int(id)), ("reason", .string(message))])
    }

    /// The connection to host `id` closed.
    func closed(id: Placement.HostID, error: RuntimeTransportError) {
        lose(id: id, reason: error.description)
    }

    /// Removes host `id`; a host that was not draining is presumed dead and its objects fail over.
    func lose(id: Placement.HostID, reason: String, connection: RuntimeConnection? = nil) {
        let removed = state.withLock { s -> HostLink? in
            guard let link = s.links[id] else { return nil }
            if let connection, link.connection !== connection { return nil }
            s.links[id] = nil
            if !link.draining && !s.stopped { s.dead.insert(id) }
            return link
        }
        guard let removed else { return }
        removed.connection.close()
        if removed.draining {
            logger.info("host left after draining", [("host", .int(id))])
            return
        }
        if isStopped { return }
        metrics.recordFailover()
        logger.warn("host lost; its objects fail over", [("host", .int(id)), ("reason", .string(reason))])
        announcePresumedDead()
    }

    // MARK: Health checks

    /// Pings every connected host at once; `missedPingLimit` misses in a row lose the host.
    func pingAll() async {
        let links = state.withLock { Array($0.links.values) }
        let timeout = max(configuration.pingInterval * 2, .milliseconds(500))
        await withTaskGroup(of: (HostLink, Bool).self) { group in
            for link in links {
                group.addTask { (link, await link.connection.ping(timeout: timeout) != nil) }
            }
            for await (link, answered) in group {
                let missed = state.withLock { s -> Int in
                    guard var current = s.links[link.id], current.connection === link.connection else { return 0 }
                    current.missedPings = answered ? 0 : current.missedPings + 1
                    s.links[link.id] = current
                    return current.missedPings
                }
                if missed >= configuration.missedPingLimit {
                    lose(id: link.id, reason: "\(missed) pings unanswered", connection: link.connection)
                }
            }
        }
    }

    // MARK: Control messages

    /// Tells `targets` (default: every live host) the full presumed-dead set.
    func announcePresumedDead(to targets: [RuntimeConnection]? = nil) {
        let (dead, connections) = state.withLock { s in
            (s.dead, targets ?? s.links.values.filter { !$0.draining }.map(\.connection))
        }
        let (head, body) = HostControl.presumedDead(dead)
        for connection in connections {
            Task {
                if await Self.control(head, body: body, on: connection, timeout: .seconds(2)) == nil {
                    self.logger.warn("a host did not take the presumed-dead notice", [("dead", .int(dead.count))])
                }
            }
        }
    }

    /// Asks every live host but `owner` to hand `objectClass`/`objectID` off (finish its events,
    /// release its lease), waiting at most `timeout`: the clean hand-off when a host joined and
    /// the object now hashes to it while another host still holds it.
    func requestRelease(objectClass: String, objectID: String, except owner: Placement.HostID, timeout: Duration) async
    {
        let others = state.withLock { s in s.links.values.filter { $0.id != owner }.map(\.connection) }
        let head = HostControl.release(objectClass: objectClass, objectID: objectID)
        await withTaskGroup(of: Void.self) { group in
            for connection in others {
                group.addTask { _ = await Self.control(head, on: connection, timeout: timeout) }
            }
        }
    }

    /// Each live host's counters (`HostControl.status`), waiting at most `timeout` for each.
    public func hostCounters(timeout: Duration = .seconds(1)) async -> [Placement.HostID: [String: Int]] {
        let links = state.withLock { Array($0.links.values) }
        return await withTaskGroup(of: (Placement.HostID, [String: Int]?).self) { group in
            for link in links {
                group.addTask {
                    let body = await Self.control(HostControl.status(), on: link.connection, timeout: timeout)
                    return (link.id, body.map(HostControl.parseStatus))
                }
            }
            var counters: [Placement.HostID: [String: Int]] = [:]
            for await (id, value) in group { if let value { counters[id] = value } }
            return counters
        }
    }

    /// Sends a control request and returns the body of a 200 answer, or nil (another status, no
    /// answer within `timeout`, or the connection gone).
    static func control(
        _ head: RuntimeRequestHead, body: [UInt8] = [], on connection: RuntimeConnection, timeout: Duration
    )
        async -> [UInt8]?
    {
        guard let stream = try? await connection.send(head, body: body) else { return nil }
        let timer = Task {
            try await Task.sleep(for: timeout)
            stream.cancel(code: RuntimeCancel.clientGone, message: "the control request took longer than \(timeout)")
        }
        defer { timer.cancel() }
        guard let answer = try? await stream.responseHead(), answer.status.code == 200,
            let body = try? await stream.readBody(limit: 1 << 20)
        else { return nil }
        return body
    }
}
