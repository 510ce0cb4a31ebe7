import EdgeCore
import EdgeKV
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The trading audit log in KV: one key per entry, `audit:<userKey>:<millis>-<tick>-<seq>`, with
/// every part zero-padded so listing a user's prefix returns their entries oldest first.
///
/// Entries never expire. `tick` is the machine's monotonic clock in nanoseconds (CLOCK_BOOTTIME,
/// shared by every process on the box), so entries stamped in the same millisecond keep the order
/// they were written in even when they come from different `AuditLog` values (an object activated
/// twice, two tools). `seq` only breaks exact ties. A write never overwrites (`ifVersion: 0`), so
/// no entry is lost to a collision between processes.
public struct AuditLog: Sendable {
    /// Where entries live.
    public let kv: any KVBackend
    /// The KV namespace (`OAUTH_KV`).
    public let namespace: String
    /// The time, in seconds since the Unix epoch.
    public let now: ConfirmationStore.Clock
    private let sequence: Counter

    private final class Counter: Sendable {
        let next = Atomic<Int>(0)
    }

    /// A log in `namespace` of `kv`.
    public init(
        kv: any KVBackend, namespace: String, now: @escaping ConfirmationStore.Clock = ConfirmationStore.unixNow
    ) {
        self.kv = kv
        self.namespace = namespace
        self.now = now
        self.sequence = Counter()
    }

    /// The key prefix of `user`'s entries, or of everyone's.
    public static func prefix(user: String?) -> String { user.map { "audit:\($0):" } ?? "audit:" }

    /// Appends an entry for `user`, stamped now; throws when it cannot be stored.
    @discardableResult
    public func append(
        user: String, tool: String, _ event: AuditEntry.Event, account: String? = nil, summary: OrderSummary? = nil,
        orderId: String? = nil, detail: String? = nil
    ) async throws(TradingError) -> AuditEntry {
        let entry = AuditEntry(
            time: now(), user: user, tool: tool, event: event, account: account, summary: summary?.json,
            orderId: orderId, detail: detail)
        try await append(entry)
        return entry
    }

    /// Appends `entry` under its time; retries with the next sequence number on a collision.
    public func append(_ entry: AuditEntry) async throws(TradingError) {
        let millis = Int64((entry.time * 1000).rounded(.down))
        var lastError: (any Error)?
        for _ in 0..<8 {
            let seq = sequence.next.add(1, ordering: .relaxed).newValue % 1_000_000
            let key =
                Self.prefix(user: entry.user) + Self.pad(millis, 15) + "-" + Self.pad(Self.monotonicTick(), 20) + "-"
                + Self.pad(Int64(seq), 6)
            do {
                _ = try await kv.put(
                    namespace: namespace, key: key, text: entry.json.jsonText, expiration: nil, ifVersion: 0)
                return
            } catch let error as KVError where error.code == .conflict {
                lastError = error
            } catch {
                lastError = error
                break
            }
        }
        throw TradingError(.storage, "Could not write the trading audit log (\(lastError.map { "\($0)" } ?? "?")).")
    }

    /// The newest `limit` entries (of `user`, or of everyone), oldest first.
    public func list(user: String?, limit: Int) async throws -> [AuditEntry] {
        var names: [String] = []
        var cursor: String?
        repeat {
            let page = try await kv.list(
                namespace: namespace, prefix: Self.prefix(user: user), limit: 1000, cursor: cursor)
            names += page.keys.map(\.name)
            cursor = page.listComplete ? nil : page.cursor
        } while cursor != nil
        // Order by the time part (after the user), so everyone's entries interleave by time.
        names.sort { Self.timePart($0) < Self.timePart($1) }
        var entries: [AuditEntry] = []
        for name in names.suffix(max(0, limit)) {
            guard let stored = try await kv.get(namespace: namespace, key: name),
                let json = try? JSONValue.parse(stored.value), let entry = AuditEntry(json: json)
            else { continue }
            entries.append(entry)
        }
        return entries
    }

    static func timePart(_ key: String) -> Substring {
        guard let colon = key.lastIndex(of: ":") else { return Substring(key) }
        return key[key.index(after: colon)...]
    }

    /// Nanoseconds of the system-wide monotonic clock: comparable between processes on this box.
    static func monotonicTick() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_BOOTTIME, &now)
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }

    static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
