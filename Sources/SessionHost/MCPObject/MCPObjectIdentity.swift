/// Whom one `MyMCP` object serves, read from the props the router attaches (ids only, never
/// tokens: KV is the single source of truth for those, as the design's rules say).
///
/// The router sets `userId` (the object id: the Schwab user id, else the OAuth client id, as in
/// the seed) and `authMode`; with OAuth it adds `schwabUserId`, `clientId`, `grantId` and `scopes`
/// (space-separated). Absent props fall back to the object id, so a demo object still works.
public struct MCPObjectIdentity: Sendable, Equatable {
    /// The object id: the user this object belongs to.
    public var userId: String
    /// `none` (one local user, no sign-in) or `oauth`.
    public var authMode: String
    /// The Schwab user id from the sign-in, when known.
    public var schwabUserId: String?
    /// The OAuth client id the grant was issued to, when signed in.
    public var clientId: String?
    /// The grant that authorized the request, when signed in.
    public var grantId: String?
    /// The scopes of that grant (`read`, `trade`).
    public var scopes: [String]

    /// An identity from its parts.
    public init(
        userId: String, authMode: String, schwabUserId: String? = nil, clientId: String? = nil,
        grantId: String? = nil, scopes: [String] = []
    ) {
        self.userId = userId
        self.authMode = authMode
        self.schwabUserId = schwabUserId
        self.clientId = clientId
        self.grantId = grantId
        self.scopes = scopes
    }

    /// The identity the router's `props` describe for object `objectID`.
    public init(props: [String: String], objectID: String) {
        self.init(
            userId: props["userId"] ?? objectID, authMode: props["authMode"] ?? "none",
            schwabUserId: props["schwabUserId"], clientId: props["clientId"], grantId: props["grantId"],
            scopes: (props["scopes"] ?? "").split(separator: " ").map(String.init))
    }
}
