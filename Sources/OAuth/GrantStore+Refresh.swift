import EdgeCore
import EdgeKV
import SchwabAuth

extension GrantStore {
    /// Exchanges a refresh token (RFC 6749 §6, OAuth 2.1 §4.3.1): rotated on every use; the
    /// previous token stays valid only until the new one is first used; the grant record is updated
    /// by compare-and-swap so racing refreshes leave one consistent state.
    public func refresh(
        _ token: String, clientId: String, resource: String?, scope: String?
    ) async throws(AuthError) -> IssuedTokens {
        guard let grantId = OpaqueToken.grantId(of: token) else {
            throw AuthError(.invalidGrant, "the refresh token is malformed; authorize again.")
        }
        let presented = OpaqueToken.hash(token)
        for _ in 0..<8 {
            guard let entry = try await get("grant:" + grantId), let json = try? JSONValue.parse(entry.value),
                let record = GrantRecord(json: json)
            else { throw AuthError(.invalidGrant, "the refresh token was revoked or expired; authorize again.") }
            guard record.props.clientId == clientId else {
                throw AuthError(.invalidGrant, "the refresh token was issued to another client.")
            }
            if let resource, try settings.canonicalResource(resource) != record.props.resource {
                throw AuthError(.invalidTarget, "resource differs from the grant's (RFC 8707 §2.2).")
            }
            var props = record.props
            if let scope, !scope.isEmpty {
                let asked = try settings.grantedScopes(scope)
                guard asked.allSatisfy(record.props.scopes.contains) else {
                    throw AuthError(.invalidScope, "a refresh may only narrow the granted scopes (RFC 6749 §6).")
                }
                props = GrantProps(
                    grantId: props.grantId, schwabUserId: props.schwabUserId, clientId: props.clientId, scopes: asked,
                    resource: props.resource)
            }
            let newToken = OpaqueToken.make(grantId: grantId)
            guard
                case .rotated(let next) = record.rotate(
                    presentedHash: presented, newHash: OpaqueToken.hash(newToken), now: clock())
            else {
                throw AuthError(
                    .invalidGrant, "the refresh token was already rotated or revoked; authorize again.")
            }
            do {
                _ = try await kv.put(
                    namespace: namespace, key: "grant:" + grantId, value: next.json.jsonBytes,
                    expiration: .ttl(seconds: settings.refreshTokenLifetime), metadata: nil, ifVersion: entry.version)
            } catch let error as KVError where error.code == .conflict {
                continue
            } catch {
                throw AuthError.storage(error)
            }
            let access = try await issueAccessToken(props)
            return IssuedTokens(
                accessToken: access, refreshToken: newToken, expiresIn: settings.accessTokenLifetime,
                scopes: props.scopes)
        }
        throw AuthError(.storageError, "the refresh kept colliding with concurrent refreshes; retry.")
    }

    /// Revokes an access or refresh token (RFC 7009 §2.1). Unknown tokens succeed silently
    /// (RFC 7009 §2.2); a token of another client is left alone.
    public func revoke(token: String, clientId: String) async throws(AuthError) {
        guard let grantId = OpaqueToken.grantId(of: token) else { return }
        let hash = OpaqueToken.hash(token)
        if let entry = try await get("access:" + hash), let json = try? JSONValue.parse(entry.value),
            let props = GrantProps(json: json)
        {
            guard props.clientId == clientId else { return }
            _ = try await deleteIfVersion("access:" + hash, entry.version)
            return
        }
        guard let entry = try await get("grant:" + grantId), let json = try? JSONValue.parse(entry.value),
            let record = GrantRecord(json: json), record.props.clientId == clientId,
            hash == record.refreshHash || hash == record.previousRefreshHash
        else { return }
        _ = try await deleteIfVersion("grant:" + grantId, entry.version)
    }

    /// Every live grant, for `schwab-mcp grants list`.
    public func listGrants() async throws(AuthError) -> [GrantSummary] {
        try await allGrants().map(\.record.summary)
    }

    /// Revokes a grant by id (`schwab-mcp grants revoke <id>`): its refresh token dies at once and
    /// its access tokens on their next use. Returns whether it existed.
    public func revokeGrant(id: String) async throws(AuthError) -> Bool {
        do { return try await kv.delete(namespace: namespace, key: "grant:" + id, ifVersion: nil) } catch {
            throw AuthError.storage(error)
        }
    }
}
