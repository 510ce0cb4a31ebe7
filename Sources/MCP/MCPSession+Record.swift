import EdgeCore

extension MCPSession {
    /// The persisted form: lifecycle, revision, client facts and log level. Calls in flight are
    /// not saved, since they die with the host that ran them.
    public var record: JSONValue {
        .object([
            ("id", .string(id)), ("user", .string(user)), ("transport", .string(transport)),
            ("state", .string(state.rawValue)), ("version", .string(version.rawValue)),
            ("clientCapabilities", clientCapabilities), ("clientInfo", clientInfo),
            ("logLevel", .string(logLevel.rawValue)),
        ])
    }

    /// A session restored from `record` (on another host after a failover); nil when the
    /// record is damaged, which the endpoint treats as an unknown session.
    public init?(record: JSONValue) {
        guard let id = record["id"]?.stringValue, let user = record["user"]?.stringValue,
            let transport = record["transport"]?.stringValue,
            let state = record["state"]?.stringValue.flatMap(State.init(rawValue:)),
            let version = record["version"]?.stringValue.map(MCPProtocolVersion.init(rawValue:)), version.isSupported,
            let level = record["logLevel"]?.stringValue.flatMap(MCPLogLevel.init(rawValue:))
        else { return nil }
        self.init(id: id, user: user, transport: transport)
        self.state = state
        self.version = version
        self.clientCapabilities = record["clientCapabilities"] ?? .object([])
        self.clientInfo = record["clientInfo"] ?? .object([])
        self.logLevel = level
    }
}
