import EdgeHTTP

/// Which requests the router answers itself and which it forwards to which object: a pure
/// function of the request head, so every rule is tested without sockets.
///
/// - `/health` and `/metrics` are the router's own.
/// - The MCP endpoints (`/mcp`, `/sse`, `/messages`, and paths below them) go to the object of
///   the `MCP_OBJECT` binding's class whose id is the authenticated user (as in the seed, one
///   object per user). With `auth = "none"` that user is "local"; with OAuth the bearer token says
///   who it is, so the decision is `.authenticated` and the responder checks the token first.
/// - With OAuth, the authorization server's paths (`/.well-known/...`, `/register`, `/authorize`,
///   `/callback`, `/token`, `/revoke`) are the router's own (`.oauth`); they never need a token.
/// - With `demoRoutes`, `/objects/<class>/<id>[/rest]` addresses any object explicitly, for tests
///   and benchmarks; it is off by default because it lets a client pick any object id. Under
///   OAuth it never reaches the MCP class: a user's object is only reached with their token.
/// - Everything else is 404.
public struct RouteTable: Sendable, Equatable {
    /// The binding whose class serves the MCP endpoints (wrangler.toml `[[durable_objects.bindings]]`).
    public static let mcpBindingName = "MCP_OBJECT"
    /// The paths, and the folders below them, that belong to the MCP object.
    public static let mcpPrefixes = ["/mcp", "/sse", "/messages"]
    /// The folder of the explicit demo routes.
    public static let demoPrefix = "/objects/"

    /// Where a request's identity comes from.
    public enum Identity: Sendable, Equatable {
        /// `auth = "none"`: every request is the one local user.
        case localUser
        /// `auth = "oauth"`: the bearer token names the user (`GrantProps.objectId`).
        case oauth

        /// The object id and the props the host receives (ids only, never tokens); demo routes
        /// use these props with either identity (they are a test and benchmark switch).
        var objectIDAndProps: (String, [String: String]) {
            ("local", ["userId": "local", "authMode": "none"])
        }
    }

    /// The authorization server's paths, served by the router itself when `identity` is `.oauth`.
    public static let oauthPaths: Set<String> = ["/register", "/authorize", "/callback", "/token", "/revoke"]
    /// The discovery folder (RFC 8414 §3, RFC 9728 §3): no token, no MCP-Protocol-Version.
    public static let wellKnownPrefix = "/.well-known/"

    /// What to do with one request.
    public enum Decision: Sendable, Equatable {
        /// Answer `GET /health` here.
        case health
        /// Answer `GET /metrics` here.
        case metrics
        /// Forward to the object `objectClass`/`objectID` with `props`; `kind` labels the metrics.
        /// `strippedPrefix` is taken off the front of the target, so a demo object sees its own
        /// paths (`/count`), the way a Durable Object's `fetch` sees the URL its stub was given.
        case object(
            objectClass: String, objectID: String, props: [String: String], kind: String, strippedPrefix: String)
        /// With OAuth: check the bearer token, then forward to the object of `objectClass` whose
        /// id the token's grant names (`GrantProps.objectId`).
        case authenticated(objectClass: String, kind: String)
        /// With OAuth: an authorization server endpoint, answered by the router.
        case oauth
        /// No route: 404.
        case notFound
    }

    /// The class behind the MCP endpoints, or nil when no binding is configured.
    public var mcpObjectClass: String?
    /// How requests are identified.
    public var identity: Identity
    /// Whether `/objects/<class>/<id>/...` is served.
    public var demoRoutes: Bool

    /// Makes a table from its parts.
    public init(mcpObjectClass: String?, identity: Identity, demoRoutes: Bool) {
        self.mcpObjectClass = mcpObjectClass
        self.identity = identity
        self.demoRoutes = demoRoutes
    }

    /// The decision for a request to `path` (the target without its query).
    public func decide(path: Substring) -> Decision {
        if path == "/health" { return .health }
        if path == "/metrics" { return .metrics }
        if identity == .oauth, Self.oauthPaths.contains(String(path)) || path.hasPrefix(Self.wellKnownPrefix) {
            return .oauth
        }
        if let mcpObjectClass, Self.mcpPrefixes.contains(where: { Self.path(path, isUnder: $0) }) {
            if identity == .oauth { return .authenticated(objectClass: mcpObjectClass, kind: "mcp") }
            let (id, props) = identity.objectIDAndProps
            return .object(objectClass: mcpObjectClass, objectID: id, props: props, kind: "mcp", strippedPrefix: "")
        }
        if demoRoutes, path.hasPrefix(Self.demoPrefix) {
            let parts = path.dropFirst(Self.demoPrefix.count).split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count >= 2, Self.isName(parts[0]), Self.isName(parts[1]) else { return .notFound }
            // Under OAuth a user's MCP object is reached with that user's token only, never by name.
            if identity == .oauth, String(parts[0]) == mcpObjectClass { return .notFound }
            let (_, props) = identity.objectIDAndProps
            let prefix = Self.demoPrefix + parts[0] + "/" + parts[1]
            return .object(
                objectClass: String(parts[0]), objectID: String(parts[1]), props: props, kind: "demo",
                strippedPrefix: prefix)
        }
        return .notFound
    }

    /// `target` without `prefix`, always starting with `/` (`/objects/C/i?x=1` to `/?x=1`).
    public static func target(_ target: String, stripping prefix: String) -> String {
        guard !prefix.isEmpty, target.hasPrefix(prefix) else { return target }
        let rest = target.dropFirst(prefix.count)
        return rest.first == "/" ? String(rest) : "/" + rest
    }

    /// True when `path` is `prefix` itself or a path below it.
    static func path(_ path: Substring, isUnder prefix: String) -> Bool {
        guard path.hasPrefix(prefix) else { return false }
        let rest = path.dropFirst(prefix.count)
        return rest.isEmpty || rest.first == "/"
    }

    /// A class name or object id: 1-200 characters of letters, digits, `-`, `_`, `.`, `:`, `@`,
    /// and not `_control` (reserved for the router's messages to hosts) or a dot name.
    static func isName(_ text: Substring) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 200, text != "." && text != "..", text != HostControl.objectClass
        else { return false }
        return text.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2D || byte == 0x5F || byte == 0x2E || byte == 0x3A || byte == 0x40
        }
    }
}
