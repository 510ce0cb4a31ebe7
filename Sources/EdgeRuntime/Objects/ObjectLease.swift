import EdgeKV
import Foundation
import Synchronization

/// A host's claim to be the one live instance of an object, taken in KV by compare-and-swap.
///
/// The lease key (`ObjectAddress.leaseKey`) holds `{"holder": <host>, "expiresAt": <ms>}`. A host
/// may take it when it is absent, released (empty holder), expired, or already its own (a host id
/// runs in one process at a time, so its own unexpired record can only be left over from its
/// previous life). Every take and renewal is a `put(ifVersion:)` on the version the host read, so
/// of two hosts racing for the same object exactly one wins.
///
/// **Fencing.** The token is the key's KV version right after the take. Versions only grow: a
/// release writes an empty holder instead of deleting the key, because a delete would restart
/// the version at 1 and let an older holder's token look new again. So a later holder's token is
/// larger than every version an earlier holder ever saw, and storage writes carry the token (see
/// `ObjectStorage` for how they are checked).
///
/// Expiry is in the record, not a KV TTL, for the same reason, and because KV TTLs are whole
/// seconds while a lease lasts a few seconds and is renewed every third of that.
public final class ObjectLease: Sendable {
    /// The object this lease is for.
    public let address: ObjectAddress
    /// The host that holds it.
    public let holder: String
    /// The fencing token: the lease key's version when it was taken.
    public let token: UInt64
    private let state: Mutex<State>

    private struct State {
        var version: UInt64
        var expiresAt: Int64
        var renewedAt: Int64
        var lost = false
        var renewing = false
    }

    init(address: ObjectAddress, holder: String, version: UInt64, expiresAt: Int64, now: Int64) {
        self.address = address
        self.holder = holder
        self.token = version
        state = Mutex(State(version: version, expiresAt: expiresAt, renewedAt: now))
    }

    /// The lease key's version after the last take or renewal.
    public var version: UInt64 { state.withLock { $0.version } }
    /// When the lease runs out unless renewed (ms since the epoch).
    public var expiresAt: Int64 { state.withLock { $0.expiresAt } }
    /// True once a renewal found another holder, or the lease was released.
    public var isLost: Bool { state.withLock { $0.lost } }

    /// Whether the lease still protects writes at `now`: held, not lost, not expired.
    public func isValid(at now: Int64) -> Bool { state.withLock { !$0.lost && now < $0.expiresAt } }

    /// Whether a renewal is due: a third of the TTL has passed since the last one.
    func needsRenewal(at now: Int64, ttl: Int64) -> Bool {
        state.withLock { !$0.lost && now - $0.renewedAt >= ttl / 3 }
    }

    func renewed(version: UInt64, expiresAt: Int64, now: Int64) {
        state.withLock {
            $0.version = version
            $0.expiresAt = expiresAt
            $0.renewedAt = now
        }
    }

    func markLost() { state.withLock { $0.lost = true } }

    /// Claims the right to renew; false when a renewal is already in flight (two concurrent
    /// compare-and-swaps on one version would make the loser think the lease moved).
    func beginRenewal() -> Bool {
        state.withLock { s in
            guard !s.renewing else { return false }
            s.renewing = true
            return true
        }
    }

    func endRenewal() { state.withLock { $0.renewing = false } }

    var isRenewing: Bool { state.withLock { $0.renewing } }
}

/// The lease record as stored in KV.
struct ObjectLeaseRecord: Codable, Equatable {
    var holder: String
    var expiresAt: Int64

    static func decode(_ entry: KVEntry) -> ObjectLeaseRecord? {
        try? JSONDecoder().decode(ObjectLeaseRecord.self, from: Data(entry.value))
    }

    var bytes: [UInt8] { Array((try? JSONEncoder().encode(self)) ?? Data()) }
}
