import EdgeCore
import Synchronization

/// One user's account display map, loaded through that user's `SchwabClient` and kept.
///
/// The seed made two extra calls (userPreference and accountNumbers) for every scrubbed tool
/// result; here both answers go through the client's cache for `lifetime` seconds (5 minutes by
/// default), and the last map built stays at hand (`lastKnown`) so results and log lines can be
/// scrubbed without I/O. Tools (and trading) resolve account inputs here.
public final class AccountDirectory: Sendable {
    /// The client of the user whose accounts these are.
    public let client: SchwabClient
    /// How long the two answers are reused, in seconds.
    public let lifetime: Int
    private let known = Mutex<AccountDisplayMap?>(nil)

    /// A directory over `client`'s accounts, reloaded after `lifetime` seconds.
    public init(client: SchwabClient, lifetime: Int = 300) {
        self.client = client
        self.lifetime = lifetime
    }

    /// The map, from the client's cache when fresh enough, else from Schwab; `fresh` asks Schwab
    /// whatever the cache holds (for `status`, which must tell whether the sign-in still works).
    public func map(fresh: Bool = false) async throws(SchwabAPIError) -> AccountDisplayMap {
        let cache = fresh ? SchwabCachePolicy.none : .ttl(seconds: lifetime)
        let numbers = try await client.send(SchwabRequest(.get, .trader, "/accounts/accountNumbers", cache: cache))
        let preference = try await client.send(SchwabRequest(.get, .trader, "/userPreference", cache: cache))
        let map = AccountDisplayMap(accountNumbers: numbers.json, userPreference: preference.json)
        known.withLock { $0 = map }
        return map
    }

    /// The account `input` names (display name, nickname, last digits), or why none does.
    public func resolve(_ input: String) async throws(AccountLookupError) -> AccountDisplayMap.Entry {
        let map: AccountDisplayMap
        do {
            map = try await self.map()
        } catch {
            throw .schwab(error)
        }
        do {
            return try map.resolve(input)
        } catch {
            throw .resolution(error)
        }
    }

    /// The map built last, without I/O (nil before the first load).
    public var lastKnown: AccountDisplayMap? { known.withLock { $0 } }

    /// A scrubber over the last map built (one that only rewrites member names before any load).
    public var scrubber: AccountScrubber { lastKnown.map(AccountScrubber.init(map:)) ?? .empty }
}

/// Why an account input could not be turned into a hash: Schwab failed, or the name is unknown.
public enum AccountLookupError: Error, Sendable {
    /// Loading the accounts failed.
    case schwab(SchwabAPIError)
    /// The accounts loaded, but none (or more than one) matches.
    case resolution(AccountResolutionError)
}
