import EdgeCore
import EdgeCrypto
import EdgeKV
import SchwabAuth

/// Grants, codes, tokens and clients in KV: the single source of truth (seed "Token Storage").
///
/// Keys in `settings.namespace`: `client:<id>` (renewed on use, expires when idle), `code:<hash>`
/// (single use, short-lived), `grant:<id>` (props and refresh rotation state, updated by
/// compare-and-swap), `access:<hash>` (props and expiry), `state:<nonce>` (a Schwab state already
/// used). Tokens and codes are random and stored only as SHA-256 hashes.
public final class GrantStore: Sendable {
    let kv: any KVBackend
    let settings: OAuthSettings
    let clock: @Sendable () -> Int64

    /// A store over `kv`; `clock` gives seconds since the epoch (injected for tests).
    public init(kv: any KVBackend, settings: OAuthSettings, clock: @escaping @Sendable () -> Int64) {
        self.kv = kv
        self.settings = settings
        self.clock = clock
    }

    var namespace: String { settings.namespace }

    // MARK: Codes

    /// Stores a code for an approved request whose Schwab sign-in finished (RFC 6749 §4.1.2).
    public func issueCode(for request: AuthorizeRequest, schwabUserId: String?) async throws(AuthError) -> String {
        let code = SecureRandom.token(byteCount: 32)
        let now = clock()
        var fields = request.fields
        fields.append(("expires_at", .int(Int(now + settings.codeLifetime))))
        if let schwabUserId { fields.append(("schwab_user_id", .string(schwabUserId))) }
        try await put("code:" + OpaqueToken.hash(code), JSONValue.object(fields), ttl: settings.codeLifetime)
        return code
    }

    /// Exchanges a code (RFC 6749 §4.1.3, RFC 7636 §4.6): same client, same redirect URI, the
    /// verifier, the same resource when sent; then consumed by compare-and-swap, so a replay fails.
    public func exchangeCode(
        _ code: String, clientId: String, redirectURI: String?, verifier: String?, resource: String?
    ) async throws(AuthError) -> IssuedTokens {
        let key = "code:" + OpaqueToken.hash(code)
        guard let entry = try await get(key), let json = try? JSONValue.parse(entry.value) else {
            throw AuthError(
                .invalidGrant, "the authorization code is unknown, expired or already used; authorize again.")
        }
        if let used = json[Self.usedByGrant]?.stringValue { try await refuseReplay(grantId: used) }
        guard let request = AuthorizeRequest(payload: json), let expires = json["expires_at"]?.intValue else {
            throw AuthError(
                .invalidGrant, "the authorization code is unknown, expired or already used; authorize again.")
        }
        guard Int64(expires) > clock() else {
            throw AuthError(.invalidGrant, "the authorization code expired; authorize again.")
        }
        guard request.clientId == clientId else {
            throw AuthError(.invalidGrant, "the authorization code was issued to another client.")
        }
        guard redirectURI == nil || redirectURI == request.redirectURI else {
            throw AuthError(
                .invalidGrant, "redirect_uri differs from the one in the authorization request (RFC 6749 §4.1.3).")
        }
        try PKCE.verify(verifier: verifier, challenge: request.codeChallenge)
        if let resource, try settings.canonicalResource(resource) != request.resource {
            throw AuthError(
                .invalidTarget, "resource differs from the one in the authorization request (RFC 8707 §2.2).")
        }
        let props = GrantProps(
            grantId: SecureRandom.token(byteCount: 12), schwabUserId: json["schwab_user_id"]?.stringValue,
            clientId: clientId, scopes: request.scopes, resource: request.resource)
        let tokens = try await createGrant(props)
        // The code becomes a marker naming its grant for the rest of its life, taken by
        // compare-and-swap: of racing redemptions one wins, and every other one is a replay.
        let marker = JSONValue.object([(Self.usedByGrant, .string(props.grantId))])
        do {
            try await put(key, marker, ttl: Int64(expires) - clock(), ifVersion: entry.version)
        } catch {
            _ = try? await revokeGrant(id: props.grantId)
            if let current = try? await get(key), let json = try? JSONValue.parse(current.value),
                let used = json[Self.usedByGrant]?.stringValue
            {
                try await refuseReplay(grantId: used)
            }
            throw AuthError(.invalidGrant, "the authorization code was already used; authorize again.")
        }
        return tokens
    }

    /// The member of a used code's marker that names the grant it produced.
    static let usedByGrant = "used_by_grant"

    /// A code presented again: refused, and the grant it produced is revoked, since the code may
    /// have been stolen (RFC 6749 §4.1.2: the server SHOULD revoke the tokens issued for it).
    private func refuseReplay(grantId: String) async throws(AuthError) -> Never {
        _ = try? await revokeGrant(id: grantId)
        throw AuthError(
            .invalidGrant,
            "the authorization code was already used, so the tokens issued for it are revoked; authorize again.")
    }

    func createGrant(_ props: GrantProps) async throws(AuthError) -> IssuedTokens {
        let now = clock()
        let refresh = OpaqueToken.make(grantId: props.grantId)
        let record = GrantRecord(
            props: props, createdAt: now, refreshedAt: now, refreshHash: OpaqueToken.hash(refresh),
            previousRefreshHash: nil)
        try await put("grant:" + props.grantId, record.json, ttl: settings.refreshTokenLifetime)
        let access = try await issueAccessToken(props)
        return IssuedTokens(
            accessToken: access, refreshToken: refresh, expiresIn: settings.accessTokenLifetime, scopes: props.scopes)
    }

    func issueAccessToken(_ props: GrantProps) async throws(AuthError) -> String {
        let token = OpaqueToken.make(grantId: props.grantId)
        let fields = props.fields + [("expires_at", .int(Int(clock() + settings.accessTokenLifetime)))]
        try await put("access:" + OpaqueToken.hash(token), .object(fields), ttl: settings.accessTokenLifetime)
        return token
    }

    // MARK: Access tokens

    /// The props of a live access token: known, unexpired, and its grant not revoked.
    ///
    /// The token names its grant (`<grantId>.<secret>`), so the token record and the grant record
    /// are read at once: one KV round trip per MCP request rather than two in a row.
    public func authenticate(accessToken token: String) async throws(AuthError) -> GrantProps {
        guard let grantId = OpaqueToken.grantId(of: token) else {
            throw AuthError(.invalidToken, "the access token is unknown or malformed; authorize again.")
        }
        async let accessRead = kv.get(namespace: namespace, key: "access:" + OpaqueToken.hash(token))
        async let grantRead = kv.get(namespace: namespace, key: "grant:" + grantId)
        let entry: KVEntry?
        let grant: KVEntry?
        do {
            (entry, grant) = try await (accessRead, grantRead)
        } catch { throw AuthError.storage(error) }
        guard let entry, let json = try? JSONValue.parse(entry.value), let props = GrantProps(json: json),
            props.grantId == grantId, let expires = json["expires_at"]?.intValue
        else { throw AuthError(.invalidToken, "the access token is unknown or malformed; authorize again.") }
        guard Int64(expires) > clock() else {
            throw AuthError(.invalidToken, "the access token expired; refresh it or authorize again.")
        }
        guard grant != nil else {
            throw AuthError(.invalidToken, "the access token was revoked; authorize again.")
        }
        return props
    }

    // MARK: Schwab state

    /// Marks a Schwab `state` nonce used; a second call fails (the state is single-use).
    public func consumeState(nonce: String) async throws(AuthError) {
        do {
            _ = try await kv.put(
                namespace: namespace, key: "state:" + OpaqueToken.hash(nonce), value: [1],
                expiration: .ttl(seconds: settings.stateLifetime + 60), metadata: nil, ifVersion: 0)
        } catch let error as KVError where error.code == .conflict {
            throw AuthError(.stateValidation, "this sign-in link was already used; start the sign-in again.")
        } catch {
            throw AuthError.storage(error)
        }
    }

    // MARK: KV plumbing

    func get(_ key: String) async throws(AuthError) -> KVEntry? {
        do { return try await kv.get(namespace: namespace, key: key) } catch { throw AuthError.storage(error) }
    }

    func put(_ key: String, _ value: JSONValue, ttl: Int64, ifVersion: UInt64? = nil) async throws(AuthError) {
        do {
            _ = try await kv.put(
                namespace: namespace, key: key, value: value.jsonBytes, expiration: .ttl(seconds: max(1, ttl)),
                metadata: nil, ifVersion: ifVersion)
        } catch { throw AuthError.storage(error) }
    }

    /// Deletes when the version still matches; false when another request got there first.
    func deleteIfVersion(_ key: String, _ version: UInt64) async throws(AuthError) -> Bool {
        do {
            return try await kv.delete(namespace: namespace, key: key, ifVersion: version)
        } catch let error as KVError where error.code == .conflict {
            return false
        } catch { throw AuthError.storage(error) }
    }
}
