/// Lease renewal, idle eviction, hand-off and shutdown.
extension ObjectHost {
    /// Renews every live lease that is a third of the way through its TTL; objects whose lease
    /// moved to another host are retired. Returns the objects that lost their lease.
    @discardableResult
    public func renewLeases() async -> [ObjectAddress] {
        let now = clock.nowMilliseconds()
        let due = state.withLock { s in
            s.entries.values.compactMap { entry in
                entry.lease.flatMap {
                    $0.needsRenewal(at: now, ttl: leases.ttlMilliseconds) ? ($0, entry.mailbox) : nil
                }
            }
        }
        var lost: [ObjectAddress] = []
        for (lease, mailbox) in due {
            await renew(lease)
            if lease.isLost {
                retire(mailbox)
                lost.append(lease.address)
            }
        }
        return lost
    }

    /// Evicts every object idle for `idleTimeout` (no queued or running event, no open stream),
    /// and waits until each has deactivated and released its lease. Returns the evicted objects.
    @discardableResult
    public func evictIdle() async -> [ObjectAddress] {
        let now = clock.nowMilliseconds()
        let idle = state.withLock { s in
            s.entries.values.filter {
                $0.lease != nil && $0.pending == 0 && $0.openStreams == 0
                    && now - $0.lastActivity >= configuration.idleTimeoutMilliseconds
            }.map(\.mailbox)
        }
        for mailbox in idle { retire(mailbox) }
        counters.evictionCount.add(idle.count, ordering: .relaxed)
        await waitForDrain(idle)
        return idle.map(\.address)
    }

    /// Hands `address` off: queued events finish here, then the object deactivates and releases
    /// its lease, and only then does this return, so the next owner may activate it cleanly.
    public func release(_ address: ObjectAddress) async {
        guard let mailbox = state.withLock({ $0.entries[address]?.mailbox }) else {
            await waitForDrain(address)
            return
        }
        retire(mailbox)
        await waitForDrain(address)
    }

    /// Refuses new events, then releases every object as `release(_:)` does.
    public func shutdown() async {
        let mailboxes = state.withLock { s in
            s.shuttingDown = true
            return s.entries.values.map(\.mailbox)
        }
        for mailbox in mailboxes { retire(mailbox) }
        await waitForDrain(mailboxes)
    }

    /// Runs `renewLeases()` and `evictIdle()` every `interval` until the task is cancelled.
    public func runMaintenance(every interval: Duration = .milliseconds(500)) async {
        while !Task.isCancelled {
            await renewLeases()
            await evictIdle()
            try? await Task.sleep(for: interval)
        }
    }

    func renew(_ lease: ObjectLease) async {
        guard lease.beginRenewal() else {
            while lease.isRenewing { try? await Task.sleep(for: .milliseconds(2)) }
            return
        }
        defer { lease.endRenewal() }
        do {
            try await leases.renew(lease)
        } catch  where error.code == .notOwner {
            lease.markLost()
        } catch {
            // KV unreachable: keep the lease; it stays valid until its expiry, and the next
            // renewal tries again. Storage writes stop by themselves once it expires.
        }
    }

    /// Releases `lease` once no renewal is in flight, so the two never race on one version.
    func releaseLease(_ lease: ObjectLease) async {
        while !lease.beginRenewal() { try? await Task.sleep(for: .milliseconds(2)) }
        defer { lease.endRenewal() }
        try? await leases.release(lease)
    }

    private func waitForDrain(_ mailboxes: [ObjectMailbox]) async {
        for mailbox in mailboxes { await waitForDrain(mailbox.address) }
    }

    private func waitForDrain(_ address: ObjectAddress) async {
        let task = state.withLock { $0.draining[address]?.task }
        await task?.value
    }
}
