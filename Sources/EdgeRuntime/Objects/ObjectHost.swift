import EdgeHTTP
import EdgeKV
import Synchronization

/// Runs durable objects on this session host: activation on demand under a KV lease, one event at
/// a time per object in arrival order, objects in parallel, idle eviction, and clean hand-off.
///
/// `dispatch(_:)` is the whole event path: it appends the event to the object's mailbox (creating
/// the mailbox, and so starting an activation, when the object is not live) and waits for the
/// answer. Activation takes the object's lease (`ObjectLeaseKeeper`), builds the instance from
/// the registry and runs `initialize(context:)`; if another host holds the lease, every queued
/// event fails with `.notOwner` so the router can send it to the owner.
///
/// Maintenance is explicit so tests can drive it with a manual clock: `renewLeases()` extends
/// leases a third of the way through their TTL, and `evictIdle()` drops objects with no queued or
/// running events and no open response streams for `idleTimeout`. An evicted or released object
/// finishes its queued events, runs `willDeactivate()`, and releases its lease; a new activation of
/// the same object on this host waits for that, so two instances never overlap. `runMaintenance`
/// does both on a timer for the real process.
public final class ObjectHost: Sendable {
    /// How a host runs its objects.
    public struct Configuration: Sendable {
        /// This host's identity as lease holder (`host-<N>`); unique per running process.
        public var hostID: String
        /// The KV namespace for leases and object storage.
        public var namespace: String
        /// How long an object may sit with no events and no open streams (default 10 minutes,
        /// as in the seed).
        public var idleTimeoutMilliseconds: Int64
        /// How long a lease lasts without renewal.
        public var leaseTTLMilliseconds: Int64
        /// Where each object's mailbox runs its events (the session host passes its event loop,
        /// so an event read from the router's connection runs on that thread with no hop); nil
        /// runs them on the global executor. Objects on it must not block.
        public var executor: (any TaskExecutor)?

        /// A configuration; defaults follow the seed and DESIGN.md.
        public init(
            hostID: String, namespace: String = "OBJECTS", idleTimeoutMilliseconds: Int64 = 600_000,
            leaseTTLMilliseconds: Int64 = 3000, executor: (any TaskExecutor)? = nil
        ) {
            self.hostID = hostID
            self.namespace = namespace
            self.idleTimeoutMilliseconds = idleTimeoutMilliseconds
            self.leaseTTLMilliseconds = leaseTTLMilliseconds
            self.executor = executor
        }
    }

    /// The configuration in use.
    public let configuration: Configuration
    let registry: ObjectRegistry
    let leases: ObjectLeaseKeeper
    let kv: any KVBackend
    let clock: any RuntimeClock
    let state = Mutex(HostState())
    /// Activations, evictions and KV calls so far, for `/metrics`.
    public let counters = ObjectHostCounters()

    struct Entry {
        let mailbox: ObjectMailbox
        var task: Task<Void, Never>?
        var pending = 0
        var openStreams = 0
        var lastActivity: Int64
        var lease: ObjectLease?
    }

    struct HostState {
        var entries: [ObjectAddress: Entry] = [:]
        var draining: [ObjectAddress: (generation: UInt64, task: Task<Void, Never>)] = [:]
        var nextGeneration: UInt64 = 1
        var shuttingDown = false
        var presumedDead: Set<String> = []
    }

    /// A host running `registry`'s classes with state in `kv`.
    public init(
        configuration: Configuration, registry: ObjectRegistry, kv: any KVBackend,
        clock: any RuntimeClock = SystemRuntimeClock()
    ) {
        self.configuration = configuration
        self.registry = registry
        let kv = CountingKVBackend(base: kv, counters: counters)
        self.kv = kv
        self.clock = clock
        leases = ObjectLeaseKeeper(
            kv: kv, namespace: configuration.namespace, holder: configuration.hostID,
            ttlMilliseconds: configuration.leaseTTLMilliseconds, clock: clock)
    }

    /// The objects live on this host now (activated or activating).
    public var liveObjects: [ObjectAddress] { state.withLock { Array($0.entries.keys) } }

    /// Events of `address` queued or running now (0 when it is not live): for metrics and tests.
    public func pendingEvents(for address: ObjectAddress) -> Int {
        state.withLock { $0.entries[address]?.pending ?? 0 }
    }

    /// Streamed responses of `address` still open (0 when it is not live).
    public func openStreams(for address: ObjectAddress) -> Int {
        state.withLock { $0.entries[address]?.openStreams ?? 0 }
    }

    /// Replaces the set of hosts (lease holders such as `host-2`) this host may take leases from
    /// before they expire, because the router saw them die. Pass the full current set each time,
    /// so a host that came back is no longer robbed.
    public func setPresumedDead(_ holders: Set<String>) {
        state.withLock { $0.presumedDead = holders.subtracting([configuration.hostID]) }
    }

    /// Delivers one event to its object and returns the object's answer.
    ///
    /// Throws `.notOwner` when another host holds the object, `.unknownClass`,
    /// `.activationFailed`, `.storageUnavailable` when KV cannot be reached to take the lease, and
    /// `.shuttingDown` after `shutdown()`.
    public func dispatch(_ request: ObjectRequest) async throws(ObjectHostError) -> HTTPResponse {
        let result = await withCheckedContinuation {
            (done: CheckedContinuation<Result<HTTPResponse, ObjectHostError>, Never>) in
            let address = request.address
            let job = ObjectJob(
                run: { object, isFirst, generation in
                    if request.isReconnect && !isFirst { await object.onReconnect() }
                    let response = await object.handle(request.http)
                    done.resume(returning: .success(self.tracked(response, for: address, generation: generation)))
                },
                fail: { done.resume(returning: .failure($0)) })
            enqueue(job, props: request.props, for: address)
        }
        return try result.get()
    }

    private func enqueue(_ job: ObjectJob, props: [String: String], for address: ObjectAddress) {
        let refused: ObjectHostError? = state.withLock { s in
            guard !s.shuttingDown else {
                return ObjectHostError(.shuttingDown, "host \(configuration.hostID) is shutting down; retry on another")
            }
            if var entry = s.entries[address], entry.mailbox.enqueue(job) {
                entry.pending += 1
                s.entries[address] = entry
                return nil
            }
            let mailbox = ObjectMailbox(address: address, generation: s.nextGeneration)
            s.nextGeneration += 1
            _ = mailbox.enqueue(job)
            let previous = s.draining[address]?.task
            var entry = Entry(mailbox: mailbox, pending: 1, lastActivity: clock.nowMilliseconds())
            entry.task = Task(executorPreference: configuration.executor) {
                await self.run(mailbox, props: props, after: previous)
            }
            s.entries[address] = entry
            return nil
        }
        if let refused { job.fail(refused) }
    }

    /// The mailbox's consumer: activate, run every job in order, then deactivate and release.
    private func run(_ mailbox: ObjectMailbox, props: [String: String], after previous: Task<Void, Never>?) async {
        await previous?.value
        let address = mailbox.address
        let object: any DurableObject
        let lease: ObjectLease
        do {
            (object, lease) = try await activate(address, props: props)
        } catch {
            retire(mailbox)
            for await job in mailbox.jobs { job.fail(error) }
            drained(mailbox)
            return
        }
        state.withLock { s in
            if s.entries[address]?.mailbox === mailbox { s.entries[address]?.lease = lease }
        }
        var isFirst = true
        for await job in mailbox.jobs {
            if lease.needsRenewal(at: clock.nowMilliseconds(), ttl: leases.ttlMilliseconds) {
                await renew(lease)
            }
            if lease.isLost || !lease.isValid(at: clock.nowMilliseconds()) {
                retire(mailbox)
                job.fail(ObjectHostError(.notOwner, "\(address) lost its lease on \(configuration.hostID); retry"))
            } else {
                await job.run(object, isFirst, mailbox.generation)
                isFirst = false
            }
            finished(mailbox)
        }
        await object.willDeactivate()
        await releaseLease(lease)
        drained(mailbox)
    }

    private func drained(_ mailbox: ObjectMailbox) {
        state.withLock { s in
            if s.draining[mailbox.address]?.generation == mailbox.generation { s.draining[mailbox.address] = nil }
        }
    }

    private func activate(
        _ address: ObjectAddress, props: [String: String]
    ) async throws(ObjectHostError) -> (any DurableObject, ObjectLease) {
        let object = try registry.make(address.className)
        let lease = try await leases.acquire(address, presumedDead: state.withLock { $0.presumedDead })
        let storage = ObjectStorage(lease: lease, kv: kv, namespace: configuration.namespace, clock: clock)
        let context = ObjectContext(
            address: address, props: props, storage: storage, hostID: configuration.hostID,
            executor: configuration.executor)
        do {
            try await object.initialize(context: context)
        } catch {
            try? await leases.release(lease)
            throw ObjectHostError(
                .activationFailed, "\(address) failed to initialize on \(configuration.hostID): \(error)")
        }
        counters.activationCount.add(1, ordering: .relaxed)
        return (object, lease)
    }

    /// Takes `mailbox` out of service: later events start a new activation, which waits for this
    /// one to drain and release its lease.
    func retire(_ mailbox: ObjectMailbox) {
        state.withLock { s in
            let address = mailbox.address
            guard let entry = s.entries[address], entry.mailbox === mailbox else { return }
            s.entries[address] = nil
            if let task = entry.task { s.draining[address] = (mailbox.generation, task) }
        }
        mailbox.close()
    }

    private func finished(_ mailbox: ObjectMailbox) {
        let now = clock.nowMilliseconds()
        state.withLock { s in
            guard var entry = s.entries[mailbox.address], entry.mailbox === mailbox else { return }
            entry.pending -= 1
            entry.lastActivity = now
            s.entries[mailbox.address] = entry
        }
    }

    /// Counts a streamed response as open until its body closure returns, on the activation
    /// (`generation`) that produced it; a retired activation's streams no longer matter to eviction.
    ///
    /// The count starts when the response leaves the object, not when the transport starts the
    /// body, so there is no moment in between when the object looks idle. The transport must
    /// therefore always run the body closure (with a closed stream if the client is gone).
    private func tracked(_ response: HTTPResponse, for address: ObjectAddress, generation: UInt64) -> HTTPResponse {
        guard case .stream(let body) = response.body else { return response }
        state.withLock { s in
            if s.entries[address]?.mailbox.generation == generation { s.entries[address]?.openStreams += 1 }
        }
        var wrapped = response
        wrapped.body = .stream { writer in
            await body(writer)
            let now = self.clock.nowMilliseconds()
            self.state.withLock { s in
                guard s.entries[address]?.mailbox.generation == generation else { return }
                s.entries[address]?.openStreams -= 1
                s.entries[address]?.lastActivity = now
            }
        }
        return wrapped
    }
}
