import EdgeCore
import EdgeKV
import SchwabAuth

extension GrantStore {
    /// Revokes every grant of one Schwab user; returns how many were revoked.
    ///
    /// The host calls it when that user's Schwab refresh token died (Schwab ends it after 7 days,
    /// reference/schwab-api.md §1): tokens we issued on that sign-in are useless now, so their
    /// grants go, every access token of them fails its next bearer check with 401, and the MCP
    /// client re-authorizes, which walks the user through the Schwab sign-in again (seed "Token
    /// Refresh": "the user must re-authenticate"). Grants of other users are untouched; a grant
    /// deleted meanwhile by someone else (a concurrent revoke) is not counted.
    @discardableResult
    public func revokeGrants(schwabUserId: String) async throws(AuthError) -> Int {
        var revoked = 0
        for (key, record) in try await allGrants() where record.props.schwabUserId == schwabUserId {
            // Unconditional: a refresh racing with us must not save the grant (its CAS then fails).
            do {
                if try await kv.delete(namespace: namespace, key: key, ifVersion: nil) { revoked += 1 }
            } catch { throw AuthError.storage(error) }
        }
        return revoked
    }

    /// Every live grant record with its key, page by page through `grant:`.
    func allGrants() async throws(AuthError) -> [(key: String, record: GrantRecord)] {
        var grants: [(key: String, record: GrantRecord)] = []
        var cursor: String?
        repeat {
            let page: KVListPage
            do {
                page = try await kv.list(namespace: namespace, prefix: "grant:", limit: 1000, cursor: cursor)
            } catch { throw AuthError.storage(error) }
            for key in page.keys {
                if let entry = try await get(key.name), let json = try? JSONValue.parse(entry.value),
                    let record = GrantRecord(json: json)
                {
                    grants.append((key.name, record))
                }
            }
            cursor = page.listComplete ? nil : page.cursor
        } while cursor != nil
        return grants
    }
}
