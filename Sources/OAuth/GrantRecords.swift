import EdgeCore
import EdgeCrypto

/// What a valid access token stands for: the props the router hands to the user's object
/// (seed `MyMCPProps`: the Schwab user id, falling back to the client id) plus scope and audience.
public struct GrantProps: Sendable, Equatable {
    /// The grant this token belongs to (revoking it revokes the token).
    public let grantId: String
    /// The Schwab user id (`streamerInfo[0].schwabClientCorrelId`), when the callback found it.
    public let schwabUserId: String?
    /// The MCP client the grant was issued to.
    public let clientId: String
    /// The granted scopes.
    public let scopes: [String]
    /// The resource (audience) the token is bound to (RFC 8707).
    public let resource: String

    /// Props from their parts.
    public init(grantId: String, schwabUserId: String?, clientId: String, scopes: [String], resource: String) {
        self.grantId = grantId
        self.schwabUserId = schwabUserId
        self.clientId = clientId
        self.scopes = scopes
        self.resource = resource
    }

    /// The object id the router places the request on: the Schwab user id, else the client id.
    public var objectId: String { schwabUserId ?? clientId }

    var fields: [(String, JSONValue)] {
        var out: [(String, JSONValue)] = [
            ("grant_id", .string(grantId)), ("client_id", .string(clientId)),
            ("scopes", .array(scopes.map { .string($0) })), ("resource", .string(resource)),
        ]
        if let schwabUserId { out.append(("schwab_user_id", .string(schwabUserId))) }
        return out
    }

    init?(json: JSONValue) {
        guard let grant = json["grant_id"]?.stringValue, let client = json["client_id"]?.stringValue,
            let scopes = json["scopes"]?.arrayValue, let resource = json["resource"]?.stringValue
        else { return nil }
        self.init(
            grantId: grant, schwabUserId: json["schwab_user_id"]?.stringValue, clientId: client,
            scopes: scopes.compactMap(\.stringValue), resource: resource)
    }
}

/// The token response of RFC 6749 §5.1.
public struct IssuedTokens: Sendable, Equatable {
    /// The opaque access token (only its hash is stored).
    public let accessToken: String
    /// The opaque refresh token (only its hash is stored).
    public let refreshToken: String
    /// Seconds until the access token expires.
    public let expiresIn: Int64
    /// The granted scopes.
    public let scopes: [String]

    /// The JSON body.
    public var json: JSONValue {
        .object([
            ("access_token", .string(accessToken)), ("token_type", "Bearer"), ("expires_in", .int(Int(expiresIn))),
            ("refresh_token", .string(refreshToken)), ("scope", .string(scopes.joined(separator: " "))),
        ])
    }
}

/// One grant as the operator sees it (`schwab-mcp grants list`): no token material.
public struct GrantSummary: Sendable, Equatable {
    /// The grant id (`schwab-mcp grants revoke <id>`).
    public let grantId: String
    /// The client it was issued to.
    public let clientId: String
    /// The Schwab user, when known.
    public let schwabUserId: String?
    /// The scopes.
    public let scopes: [String]
    /// The audience.
    public let resource: String
    /// When it was created, seconds since the epoch.
    public let createdAt: Int64
    /// When it was last refreshed.
    public let refreshedAt: Int64
}

/// The stored grant: props plus the rotation state of its refresh token.
struct GrantRecord: Sendable, Equatable {
    var props: GrantProps
    var createdAt: Int64
    var refreshedAt: Int64
    /// Hash of the newest refresh token.
    var refreshHash: String
    /// Hash of the one before, valid until the newest is first used.
    var previousRefreshHash: String?

    var json: JSONValue {
        var fields =
            props.fields + [
                ("created_at", .int(Int(createdAt))), ("refreshed_at", .int(Int(refreshedAt))),
                ("refresh_hash", .string(refreshHash)),
            ]
        if let previousRefreshHash { fields.append(("previous_refresh_hash", .string(previousRefreshHash))) }
        return .object(fields)
    }

    init(props: GrantProps, createdAt: Int64, refreshedAt: Int64, refreshHash: String, previousRefreshHash: String?) {
        self.props = props
        self.createdAt = createdAt
        self.refreshedAt = refreshedAt
        self.refreshHash = refreshHash
        self.previousRefreshHash = previousRefreshHash
    }

    init?(json: JSONValue) {
        guard let props = GrantProps(json: json), let created = json["created_at"]?.intValue,
            let refreshed = json["refreshed_at"]?.intValue, let hash = json["refresh_hash"]?.stringValue
        else { return nil }
        self.init(
            props: props, createdAt: Int64(created), refreshedAt: Int64(refreshed), refreshHash: hash,
            previousRefreshHash: json["previous_refresh_hash"]?.stringValue)
    }

    var summary: GrantSummary {
        GrantSummary(
            grantId: props.grantId, clientId: props.clientId, schwabUserId: props.schwabUserId, scopes: props.scopes,
            resource: props.resource, createdAt: createdAt, refreshedAt: refreshedAt)
    }

    /// The refresh rotation rule as a pure step: which hash was presented decides the next state.
    /// The newest token rotates (the used one becomes "previous"); the previous one still works
    /// until the newest is first used (it replaces the newest, for a client that lost a response);
    /// anything else is refused.
    enum RotationOutcome: Equatable {
        case rotated(GrantRecord)
        case refused
    }

    func rotate(presentedHash: String, newHash: String, now: Int64) -> RotationOutcome {
        var next = self
        next.refreshedAt = now
        if ConstantTime.equals(presentedHash, refreshHash) {
            next.previousRefreshHash = refreshHash
            next.refreshHash = newHash
            return .rotated(next)
        }
        if let previousRefreshHash, ConstantTime.equals(presentedHash, previousRefreshHash) {
            next.refreshHash = newHash
            return .rotated(next)
        }
        return .refused
    }
}

/// Opaque token helpers: `<grantId>.<secret>`, stored only as base64url(SHA-256).
enum OpaqueToken {
    static func make(grantId: String) -> String { grantId + "." + SecureRandom.token(byteCount: 32) }
    static func hash(_ token: String) -> String { Base64URL.encode(SHA256.hash(token)) }
    static func grantId(of token: String) -> String? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64, parts[1].count >= 32 else { return nil }
        return String(parts[0])
    }
}
