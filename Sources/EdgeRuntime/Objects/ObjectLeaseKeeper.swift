import EdgeKV

/// Takes, renews and releases `ObjectLease`s in KV for one host.
public struct ObjectLeaseKeeper: Sendable {
    /// The KV store holding the leases.
    public let kv: any KVBackend
    /// The KV namespace of leases and object storage.
    public let namespace: String
    /// The host taking leases (`host-<N>`).
    public let holder: String
    /// How long a lease lasts without renewal, in milliseconds.
    public let ttlMilliseconds: Int64
    /// Where time comes from.
    public let clock: any RuntimeClock

    /// A keeper for `holder`'s leases.
    public init(
        kv: any KVBackend, namespace: String, holder: String, ttlMilliseconds: Int64 = 3000,
        clock: any RuntimeClock = SystemRuntimeClock()
    ) {
        self.kv = kv
        self.namespace = namespace
        self.holder = holder
        self.ttlMilliseconds = max(3, ttlMilliseconds)
        self.clock = clock
    }

    /// Takes the lease of `address`, or throws `.notOwner` naming the live holder.
    ///
    /// A lease held by one of `presumedDead` counts as expired: the router, which sees a host's
    /// connection drop and its process exit, can declare it dead so that its objects move within
    /// a second instead of waiting out the TTL. Should the declaration be wrong, fencing still
    /// refuses the old holder's writes. Losing a compare-and-swap race is reported as
    /// `.notOwner` too: the winner holds the lease now.
    public func acquire(
        _ address: ObjectAddress, presumedDead: Set<String> = []
    ) async throws(ObjectHostError) -> ObjectLease {
        let now = clock.nowMilliseconds()
        let current = try await read(address)
        if let current, let record = ObjectLeaseRecord.decode(current), !record.holder.isEmpty,
            record.holder != holder, now < record.expiresAt, !presumedDead.contains(record.holder)
        {
            throw ObjectHostError(
                .notOwner,
                "\(address) is held by \(record.holder) for \(record.expiresAt - now) ms more; send the event there")
        }
        let expiresAt = now + ttlMilliseconds
        let record = ObjectLeaseRecord(holder: holder, expiresAt: expiresAt)
        do {
            let version = try await kv.put(
                namespace: namespace, key: address.leaseKey, value: record.bytes, expiration: nil, metadata: nil,
                ifVersion: current?.version ?? 0)
            return ObjectLease(address: address, holder: holder, version: version, expiresAt: expiresAt, now: now)
        } catch let error as KVError where error.code == .conflict {
            throw ObjectHostError(.notOwner, "another host took \(address) at the same moment; send the event there")
        } catch {
            throw Self.unavailable(address, "take the lease of", error)
        }
    }

    /// Extends `lease` by the TTL. When another host has taken the key meanwhile, the lease is
    /// marked lost and `.notOwner` is thrown: the object must stop at once.
    public func renew(_ lease: ObjectLease) async throws(ObjectHostError) {
        guard !lease.isLost else {
            throw ObjectHostError(.notOwner, "the lease of \(lease.address) was lost before this renewal")
        }
        let now = clock.nowMilliseconds()
        let record = ObjectLeaseRecord(holder: holder, expiresAt: now + ttlMilliseconds)
        do {
            let version = try await kv.put(
                namespace: namespace, key: lease.address.leaseKey, value: record.bytes, expiration: nil, metadata: nil,
                ifVersion: lease.version)
            lease.renewed(version: version, expiresAt: record.expiresAt, now: now)
        } catch let error as KVError where error.code == .conflict {
            lease.markLost()
            throw ObjectHostError(.notOwner, "the lease of \(lease.address) moved to another host")
        } catch {
            throw Self.unavailable(lease.address, "renew the lease of", error)
        }
    }

    /// Gives `lease` up so another host may take it at once. A lease already taken by another
    /// host is left alone. The record stays, with no holder, to keep versions growing.
    public func release(_ lease: ObjectLease) async throws(ObjectHostError) {
        guard !lease.isLost else { return }
        lease.markLost()
        let record = ObjectLeaseRecord(holder: "", expiresAt: 0)
        do {
            _ = try await kv.put(
                namespace: namespace, key: lease.address.leaseKey, value: record.bytes, expiration: nil, metadata: nil,
                ifVersion: lease.version)
        } catch let error as KVError where error.code == .conflict {
            return
        } catch {
            throw Self.unavailable(lease.address, "release the lease of", error)
        }
    }

    /// The holder of `address`'s lease and when it expires, or nil when nobody holds it.
    public func currentHolder(
        of address: ObjectAddress
    ) async throws(ObjectHostError) -> (
        holder: String, expiresAt: Int64
    )? {
        guard let entry = try await read(address), let record = ObjectLeaseRecord.decode(entry),
            !record.holder.isEmpty
        else { return nil }
        return (record.holder, record.expiresAt)
    }

    private func read(_ address: ObjectAddress) async throws(ObjectHostError) -> KVEntry? {
        do {
            return try await kv.get(namespace: namespace, key: address.leaseKey)
        } catch {
            throw Self.unavailable(address, "read the lease of", error)
        }
    }

    static func unavailable(_ address: ObjectAddress, _ action: String, _ error: any Error) -> ObjectHostError {
        ObjectHostError(.storageUnavailable, "could not \(action) \(address): \(error); is the KV service running?")
    }
}
