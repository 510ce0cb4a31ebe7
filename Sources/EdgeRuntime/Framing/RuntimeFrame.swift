import EdgeHTTP

/// One unit of the router<->host protocol: a typed frame on a numbered stream.
///
/// The router keeps one persistent connection per host over a Unix socket and multiplexes every
/// proxied HTTP exchange on it as a stream, the way HTTP/2 does over TCP (RFC 9113 §5). A stream
/// carries a request head, body chunks and an end from the router, then a response head, body
/// chunks and an end from the host; a Server-Sent Events stream is simply a response whose end
/// comes late. Stream 0 is the connection itself and carries only `ping`, `pong` and `goAway`
/// (RFC 9113 §5.1.1 reserves stream 0 the same way).
///
/// On the wire (see `RuntimeFrameCodec`): a 10-byte header — payload length (UInt32, big-endian),
/// type (UInt8), flags (UInt8), stream id (UInt32) — then the payload.
public struct RuntimeFrame: Sendable, Equatable {
    /// The stream the frame belongs to; 0 for connection-level frames.
    public var streamID: UInt32
    /// Bits whose meaning depends on the frame type (see `RuntimeFrameFlags`).
    public var flags: RuntimeFrameFlags
    /// What the frame says.
    public var payload: Payload

    /// Makes a frame from its parts.
    public init(streamID: UInt32, flags: RuntimeFrameFlags = [], payload: Payload) {
        self.streamID = streamID
        self.flags = flags
        self.payload = payload
    }

    /// What a frame carries, one case per frame type.
    public enum Payload: Sendable, Equatable {
        /// Router -> host: opens a stream with a request and the object it is for.
        case requestHead(RuntimeRequestHead)
        /// Router -> host: a piece of the request body, counted against the stream's window.
        case requestBody([UInt8])
        /// Router -> host: the request body is complete.
        case requestEnd
        /// Host -> router: the response's status and headers.
        case responseHead(RuntimeResponseHead)
        /// Host -> router: a piece of the response body, counted against the stream's window.
        case responseBody([UInt8])
        /// Host -> router: the response is complete; the stream is closed.
        case responseEnd
        /// Either side: abandon the stream at once (like HTTP/2 RST_STREAM, RFC 9113 §6.4).
        case cancel(RuntimeCancel)
        /// Either side: the receiver grants `increment` more body bytes on the stream (RFC 9113 §6.9).
        case windowUpdate(increment: UInt32)
        /// Either side, stream 0: a liveness probe; the peer answers `pong` with the same bytes.
        case ping(UInt64)
        /// Either side, stream 0: the answer to `ping`.
        case pong(UInt64)
        /// Either side, stream 0: no new streams after `lastStreamID`; finish the others and close
        /// (RFC 9113 §6.8).
        case goAway(lastStreamID: UInt32, code: UInt32, message: String)
    }

    /// The one-byte type code of the payload on the wire.
    public var type: RuntimeFrameType {
        switch payload {
        case .requestHead: .requestHead
        case .requestBody: .requestBody
        case .requestEnd: .requestEnd
        case .responseHead: .responseHead
        case .responseBody: .responseBody
        case .responseEnd: .responseEnd
        case .cancel: .cancel
        case .windowUpdate: .windowUpdate
        case .ping: .ping
        case .pong: .pong
        case .goAway: .goAway
        }
    }
}

/// The frame type codes on the wire; an unknown code is a protocol error, since both ends ship in
/// the same binary and a mismatch means a bug, not an extension (unlike RFC 9113 §5.5).
public enum RuntimeFrameType: UInt8, Sendable, CaseIterable {
    case requestHead = 1
    case requestBody = 2
    case requestEnd = 3
    case responseHead = 4
    case responseBody = 5
    case responseEnd = 6
    case cancel = 7
    case windowUpdate = 8
    case ping = 9
    case pong = 10
    case goAway = 11

    /// True for the types that belong to stream 0 (the connection) rather than a stream.
    public var isConnectionLevel: Bool { self == .ping || self == .pong || self == .goAway }
}

/// Flag bits of a frame.
public struct RuntimeFrameFlags: OptionSet, Sendable, Hashable {
    /// The flag bits as sent.
    public let rawValue: UInt8
    /// Makes flags from their bits.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// On `requestHead`: the client is coming back to an object it used before (an SSE reconnect),
    /// so a live object gets `onReconnect()` first.
    public static let reconnect = RuntimeFrameFlags(rawValue: 0x01)
}

/// A request as the router forwards it: the HTTP head plus the object it is addressed to and the
/// identity the router authenticated (the host trusts only the router, so props arrive here).
public struct RuntimeRequestHead: Sendable, Equatable {
    /// The HTTP request line and headers, as the client sent them.
    public var head: HTTPRequestHead
    /// The object class registered under `[[durable_objects.bindings]]`.
    public var objectClass: String
    /// The object's id (the user).
    public var objectID: String
    /// Authenticated properties: ids only, never tokens.
    public var props: [String: String]
    /// The client's address as the router saw it.
    public var remoteAddress: String

    /// Makes a request head from its parts.
    public init(
        head: HTTPRequestHead, objectClass: String, objectID: String, props: [String: String] = [:],
        remoteAddress: String = ""
    ) {
        self.head = head
        self.objectClass = objectClass
        self.objectID = objectID
        self.props = props
        self.remoteAddress = remoteAddress
    }
}

/// A response head as the host returns it.
public struct RuntimeResponseHead: Sendable, Equatable {
    /// The status code and reason phrase.
    public var status: HTTPStatus
    /// The response's header fields.
    public var headers: HTTPHeaders

    /// Makes a response head from its parts.
    public init(status: HTTPStatus, headers: HTTPHeaders = [:]) {
        self.status = status
        self.headers = headers
    }
}

/// Why a stream was abandoned.
public struct RuntimeCancel: Sendable, Equatable {
    /// A machine-readable reason (see the static codes).
    public var code: UInt32
    /// A sentence for the log of the other side.
    public var message: String

    /// Makes a cancel reason from its parts.
    public init(code: UInt32, message: String = "") {
        self.code = code
        self.message = message
    }

    /// The client went away; nothing more will be read.
    public static let clientGone: UInt32 = 1
    /// The host does not own the object (its lease is held elsewhere): the router should re-place.
    public static let notOwner: UInt32 = 2
    /// The peer sent more body than its window allowed (RFC 9113 §6.9.1 FLOW_CONTROL_ERROR).
    public static let flowControl: UInt32 = 3
    /// The object failed while handling the request.
    public static let internalError: UInt32 = 4
    /// The side is shutting down.
    public static let shuttingDown: UInt32 = 5
    /// The peer broke the frame order on this stream (a body before its head, say).
    public static let protocolError: UInt32 = 6
}
