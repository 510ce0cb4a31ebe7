import EdgeCore
import EdgeKV

/// Preview-then-place for clients that cannot be asked (no elicitation): `issue` remembers the
/// exact order under a random id for ten minutes, `redeem` lets that id place that order once.
///
/// Each entry lives in KV under `confirm:<userKey>:<id>` and holds the order's fingerprint (the
/// action, the account's display name, the order id it acts on and the canonical order body),
/// never an account number or hash. Using an entry marks it used with a compare-and-swap on its
/// version, so two concurrent calls with one id place at most one order. Expiry is checked
/// against `now` (injectable, so tests need no sleeps); KV's own TTL only sweeps leftovers.
public struct ConfirmationStore: Sendable {
    /// Seconds since the Unix epoch.
    public typealias Clock = @Sendable () -> Double

    /// Where entries live.
    public let kv: any KVBackend
    /// The KV namespace (`OAUTH_KV`).
    public let namespace: String
    /// How long an id stays valid: ten minutes, as issue 8 asks.
    public let lifetime: Double
    /// The time.
    public let now: Clock

    /// A store in `namespace` of `kv`.
    public init(kv: any KVBackend, namespace: String, lifetime: Double = 600, now: @escaping Clock = unixNow) {
        self.kv = kv
        self.namespace = namespace
        self.lifetime = lifetime
        self.now = now
    }

    /// The KV key of one id.
    public static func key(userKey: String, id: String) -> String { "confirm:\(userKey):\(id)" }

    /// Remembers `fingerprint` for `userKey` and returns its new id and when it expires.
    public func issue(
        userKey: String, fingerprint: String
    ) async throws(TradingError) -> (id: String, expiresAt: Double) {
        let id = Self.randomId()
        let expiresAt = now() + lifetime
        let record = JSONValue.object([
            ("fingerprint", .string(fingerprint)), ("expiresAt", .double(expiresAt)), ("used", false),
        ])
        do {
            _ = try await kv.put(
                namespace: namespace, key: Self.key(userKey: userKey, id: id), text: record.jsonText,
                expiration: .ttl(seconds: Int64(lifetime.rounded(.up))), ifVersion: 0)
        } catch {
            throw TradingError(.storage, "Could not store the confirmation (\(error)); nothing was sent.")
        }
        return (id, expiresAt)
    }

    /// Uses `id` for `fingerprint`: succeeds once, for the very order previewed, within its lifetime.
    public func redeem(userKey: String, id: String, fingerprint: String) async throws(TradingError) {
        let key = Self.key(userKey: userKey, id: id)
        let entry: KVEntry?
        do {
            entry = try await kv.get(namespace: namespace, key: key)
        } catch {
            throw TradingError(.storage, "Could not read the confirmation (\(error)); nothing was sent.")
        }
        let again = " Nothing was sent; call previewOrder again and confirm the new id."
        guard let entry, let record = try? JSONValue.parse(entry.value),
            let stored = record["fingerprint"]?.stringValue, let expiresAt = record["expiresAt"]?.doubleValue
        else {
            throw TradingError(.badConfirmation, "Confirmation id '\(id)' is unknown or has expired." + again)
        }
        if record["used"]?.boolValue == true {
            throw TradingError(
                .badConfirmation, "Confirmation id '\(id)' was already used; each id works once." + again)
        }
        if now() >= expiresAt {
            throw TradingError(.badConfirmation, "Confirmation id '\(id)' expired (ids last ten minutes)." + again)
        }
        if stored != fingerprint {
            throw TradingError(
                .badConfirmation,
                "This order is not the one previewed under confirmation id '\(id)': the account, action, order id or "
                    + "some order field differs." + again)
        }
        var used = record
        if case .object(var members) = used {
            members = members.map { $0.0 == "used" ? ("used", true) : $0 }
            used = .object(members)
        }
        do {
            let remaining = max(1, Int64((expiresAt - now()).rounded(.up)))
            _ = try await kv.put(
                namespace: namespace, key: key, text: used.jsonText, expiration: .ttl(seconds: remaining),
                ifVersion: entry.version)
        } catch let error as KVError where error.code == .conflict {
            throw TradingError(
                .badConfirmation, "Confirmation id '\(id)' was already used; each id works once." + again)
        } catch {
            throw TradingError(.storage, "Could not use the confirmation (\(error)); nothing was sent.")
        }
    }

    /// 128 random bits in hex, from the system's secure generator.
    static func randomId() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in
            let text = String(generator.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - text.count) + text
        }.joined()
    }

    /// The wall clock in seconds since the Unix epoch (the KV store's clock).
    @Sendable public static func unixNow() -> Double { Double(KVStore.systemClock()) / 1000 }
}
