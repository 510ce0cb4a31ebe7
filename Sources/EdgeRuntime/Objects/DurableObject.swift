import EdgeHTTP

/// An object class the session host runs: one instance per id, one event at a time.
///
/// Mirrors a Cloudflare Durable Object as the seed uses it. The host creates the instance through
/// the registry, calls `initialize(context:)` once per activation (the seed's `init()`: restore
/// state from `context.storage`), then `handle(_:)` for each request in arrival order. When a
/// client comes back to an object that is still live (an SSE reconnect), `onReconnect()` runs
/// first, inside the same event (the seed's reconnection recovery). After `idle_timeout` without
/// events or open streams the instance is dropped; the next event activates a new one.
///
/// Instances need not be `Sendable`: each lives inside its own mailbox task and is touched by
/// nothing else, so its stored properties need no locks. A streamed response body runs outside
/// the mailbox (it may last hours), so it must only use `Sendable` state.
public protocol DurableObject: AnyObject {
    /// Runs once per activation, before any event; throwing fails the activation.
    func initialize(context: ObjectContext) async throws
    /// Runs before an event from a client that reconnects to this live instance.
    func onReconnect() async
    /// Answers one request.
    func handle(_ request: HTTPRequest) async -> HTTPResponse
    /// Runs once when the instance is evicted or handed off, after its last event.
    func willDeactivate() async
}

extension DurableObject {
    /// Nothing to restore by default.
    public func onReconnect() async {}
    /// Nothing to flush by default.
    public func willDeactivate() async {}
}

/// What an object knows about itself: who it is, who it serves, and where it keeps state.
public struct ObjectContext: Sendable {
    /// The object's class and id.
    public let address: ObjectAddress
    /// The authenticated properties the router passed with the activating event: ids only
    /// (such as `schwabUserId`, `clientId`), never tokens.
    public let props: [String: String]
    /// The object's durable storage, fenced by its lease.
    public let storage: ObjectStorage
    /// The host running the object (`host-<N>`), for logs.
    public let hostID: String
    /// The executor the host runs the object's events on (its event loop), or nil for the
    /// global one: a task the object starts for work of its own (a tool call) may prefer it,
    /// so its awaits resume there without a thread hop. Work on it must never block.
    public let executor: (any TaskExecutor)?

    /// Makes a context from its parts.
    public init(
        address: ObjectAddress, props: [String: String], storage: ObjectStorage, hostID: String,
        executor: (any TaskExecutor)? = nil
    ) {
        self.address = address
        self.props = props
        self.storage = storage
        self.hostID = hostID
        self.executor = executor
    }
}

/// One event for an object: the request, who it is for, and whether it is a reconnect.
public struct ObjectRequest: Sendable {
    /// The object the event is for.
    public var address: ObjectAddress
    /// Authenticated properties from the router (ids only).
    public var props: [String: String]
    /// The HTTP request, body complete.
    public var http: HTTPRequest
    /// True when the client is returning to an object it used before.
    public var isReconnect: Bool

    /// Makes an event from its parts.
    public init(address: ObjectAddress, props: [String: String] = [:], http: HTTPRequest, isReconnect: Bool = false) {
        self.address = address
        self.props = props
        self.http = http
        self.isReconnect = isReconnect
    }

    /// The event a `requestHead` frame and its collected body describe.
    public init(head: RuntimeRequestHead, body: [UInt8], flags: RuntimeFrameFlags) {
        self.init(
            address: ObjectAddress(className: head.objectClass, id: head.objectID), props: head.props,
            http: HTTPRequest(head: head.head, body: body, remoteAddress: head.remoteAddress),
            isReconnect: flags.contains(.reconnect))
    }
}
